using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Decisions on the patient's signature and the clinician's countersignature.</summary>
internal sealed partial record DecisionContext
{
    public const int MaxStrokes = 200;
    public const int MaxPoints = 20_000;

    public Decision SignAsPatient(SignAsPatient c) => OnCurrentStep<SignatureStep>(c.StepId, step =>
    {
        if (State.OpenHolds.Any())
        {
            return Refuse(RefusalKind.Conflict, "a clinician needs to talk with you before you can sign");
        }
        if (State.UnansweredQuestions.Any())
        {
            return Refuse(RefusalKind.Conflict, "please wait until the clinician has answered your questions");
        }
        if (!c.Certify)
        {
            return Refuse(RefusalKind.Invalid, "please tick the certification statement");
        }
        var name = Clean(c.FullName) is { } typed ? string.Join(' ', typed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : null;
        if (name is null || name.Length > 200)
        {
            return Refuse(RefusalKind.Invalid, "please type your full name");
        }
        if (Hidden(name, multiline: false))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        // A name that differs (a nickname, a married name, a typo) never stops the patient: it is recorded
        // and the countersigning clinician confirms who signed (Countersign.NameConfirmed).
        var nameMatches = PersonNames.Match(name, c.RegisteredName);
        var strokes = c.Strokes ?? [];
        if (strokes.Count > MaxStrokes || strokes.Any(s => s is null || s.Count == 0) || strokes.Sum(s => s.Count) > MaxPoints
            || strokes.Any(s => s.Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y))))
        {
            return Refuse(RefusalKind.Invalid, "the drawn signature could not be read; please draw it again or clear it");
        }
        if (!SessionLifecycle.CanFire(State.Status, LifecycleTrigger.PatientSign))
        {
            return Refuse(RefusalKind.Conflict, $"a {State.Status} session cannot be signed");
        }
        var drawn = strokes.Select(s => s.Select(p => (p.X, p.Y)).ToImmutableArray()).ToImmutableArray();
        return Decision.Accept(new PatientSignedPayload(name, drawn, nameMatches).On(step.Id, HashOf(step)));
    });

    public Decision Countersign(Countersign c)
    {
        if (State.Status != SessionStatus.AwaitingCountersign || !SessionLifecycle.CanFire(State.Status, LifecycleTrigger.Countersign))
        {
            return Refuse(RefusalKind.Conflict, $"only a session awaiting countersignature can be countersigned (this one is {State.Status})");
        }
        if (!c.StatementAccepted)
        {
            return Refuse(RefusalKind.Invalid, "please accept the attestation statement");
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the clinician is unknown");
        }
        var mismatch = State.PatientSignature is { NameMatches: false };
        if (mismatch && !c.NameConfirmed)
        {
            return Refuse(RefusalKind.Invalid,
                $"the patient signed as \"{State.PatientSignature!.FullName}\", which is not the registered name: confirm that the registered patient signed");
        }
        var step = Definition.Steps.OfType<CountersignStep>().First();
        return Decision.Accept(new ClinicianCountersignedPayload(staff, mismatch).On(step.Id, HashOf(step)));
    }
}
