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
        if (State.NextSigner is not { } signer)
        {
            return Refuse(RefusalKind.Conflict, "everyone has signed");
        }
        if (c.Signer is { } claimed && claimed != signer)
        {
            return Refuse(RefusalKind.Conflict, $"it is the {SignerNames.Of(signer)}'s turn to sign, not the {SignerNames.Of(claimed)}'s");
        }
        if (!c.Certify)
        {
            return Refuse(RefusalKind.Invalid, "please tick the certification statement");
        }
        var strokes = c.Strokes ?? [];
        if (c.Mark && (signer != SignerKind.Patient || State.Signers.Witness is null))
        {
            return Refuse(RefusalKind.Invalid, "only the patient signs with a mark, and only before an impartial witness, who signs next");
        }
        if (c.Mark && strokes.Count == 0)
        {
            return Refuse(RefusalKind.Invalid, "please draw your mark (an X) in the box");
        }
        // Someone signing with a mark may not write their name: it is the registered name, which the witness then attests.
        var typed = Clean(c.FullName) ?? (c.Mark ? c.RegisteredName : null);
        var name = typed is null ? null : string.Join(' ', typed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (name is null || name.Length > 200)
        {
            return Refuse(RefusalKind.Invalid, "please type your full name");
        }
        if (Hidden(name, multiline: false))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        // A name that differs (a nickname, a married name, a typo) never stops the signer: it is recorded and the
        // countersigning clinician confirms who signed (Countersign.NameConfirmed). The patient's is compared with the
        // registered name, the others' with the name the clinician gave for them at the start.
        var nameMatches = PersonNames.Match(name, State.Signers.NameOf(signer) ?? c.RegisteredName);
        if (strokes.Count > MaxStrokes || strokes.Any(s => s is null || s.Count == 0) || strokes.Sum(s => s.Count) > MaxPoints
            || strokes.Any(s => s.Any(p => !double.IsFinite(p.X) || !double.IsFinite(p.Y))))
        {
            return Refuse(RefusalKind.Invalid, "the drawn signature could not be read; please draw it again or clear it");
        }
        // The last signature moves the session on to the countersignature; the ones before it keep it in progress.
        var last = State.Signers.Order[^1] == signer;
        if (last ? !SessionLifecycle.CanFire(State.Status, LifecycleTrigger.PatientSign) : State.Status != SessionStatus.InProgress)
        {
            return Refuse(RefusalKind.Conflict, $"a {State.Status} session cannot be signed");
        }
        var drawn = strokes.Select(s => s.Select(p => (p.X, p.Y)).ToImmutableArray()).ToImmutableArray();
        EventPayload payload = signer == SignerKind.Patient
            ? new PatientSignedPayload(name, drawn, nameMatches, c.Mark)
            : new SignerSignedPayload(signer, name, drawn, nameMatches);
        return Decision.Accept(payload.On(step.Id, SignerStatements.HashFor(signer, State.Signers, step, State.Language)));
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
        var mismatched = State.Signatures.Where(s => !s.NameMatches).ToList();
        var mismatch = mismatched.Count > 0 || State.PatientSignature is { NameMatches: false };
        if (mismatch && !c.NameConfirmed)
        {
            return Refuse(RefusalKind.Invalid, string.Join("; ", mismatched.Select(s => s.Signer == SignerKind.Patient
                ? $"the patient signed as \"{s.FullName}\", which is not the registered name: confirm that the registered patient signed"
                : $"the {SignerNames.Of(s.Signer)} signed as \"{s.FullName}\", not as \"{State.Signers.NameOf(s.Signer)}\" given at the start: confirm who signed")));
        }
        var step = Definition.Steps.OfType<CountersignStep>().First();
        return Decision.Accept(new ClinicianCountersignedPayload(staff, mismatch).On(step.Id, HashOf(step)));
    }

    /// <summary>
    /// A paper consent: the patient signed the workflow's paper form in the clinician's presence (eIC Q&amp;A 1), before anyone
    /// signed online. A consent session only, not yet ended and with no online signature; the signing date may not be in the
    /// future, nor more than <see cref="PaperDaysBack"/> days ago (a mistyped year).
    /// </summary>
    public const int PaperDaysBack = 30;

    public Decision RecordPaperConsent(RecordPaperConsent c)
    {
        if (Definition.IsCheckin)
        {
            return Refuse(RefusalKind.Conflict, "a dose-day check-in has no paper form");
        }
        if (State.Signatures.Count > 0 || !SessionLifecycle.CanFire(State.Status, LifecycleTrigger.RecordPaper))
        {
            return Refuse(RefusalKind.Conflict, State.Signatures.Count > 0
                ? "someone has already signed this session online: countersign it instead"
                : $"only a session not yet signed can be completed on paper (this one is {State.Status})");
        }
        if (!c.StatementAccepted)
        {
            return Refuse(RefusalKind.Invalid, "please accept the attestation statement");
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the clinician is unknown");
        }
        if (c.SignedOn > c.Today)
        {
            return Refuse(RefusalKind.Invalid, "the date the patient signed the paper form is in the future");
        }
        if (c.SignedOn < c.Today.AddDays(-PaperDaysBack))
        {
            return Refuse(RefusalKind.Invalid, $"the date the patient signed the paper form is more than {PaperDaysBack} days ago: check the date");
        }
        var attestation = PaperConsentRecordedPayload.AttestationFor(Definition.Version, c.SignedOn);
        return Decision.Accept(new PaperConsentRecordedPayload(staff, c.ScanSha256, c.ContentType, c.Bytes, c.Pages,
            c.SignedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), attestation)
            .On(null, ContentHashes.Of(attestation)));
    }
}
