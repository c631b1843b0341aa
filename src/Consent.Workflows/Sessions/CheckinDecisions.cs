using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>
/// Decisions of a dose-day check-in: the patient's affirmation, the staff's checks and the clinician's
/// decision on a held check-in. The check-in ends (<see cref="CheckinEnding"/>) once the patient's steps
/// and every staff check are done, in whichever order they came.
/// </summary>
internal sealed partial record DecisionContext
{
    /// <summary>The patient still agrees today (the check-in goes on), or not (it ends Held at once).</summary>
    public Decision Affirm(Affirm c) => OnCurrentStep<AffirmationStep>(c.StepId, step =>
    {
        var affirmed = new AffirmationRecordedPayload(c.Agrees).On(step.Id, HashOf(step));
        return c.Agrees
            ? Decision.Accept(affirmed)
            : Decision.Accept(affirmed, new CheckinHeldPayload([new CheckinHoldReason(CheckinReasons.NoLongerAgrees, new JsonObject { ["agrees"] = false })]).On(null));
    });

    /// <summary>Staff enter a staff-check step's values, before, between or after the patient's steps.</summary>
    public Decision RecordStaffCheck(RecordStaffCheck c)
    {
        if (!Definition.IsCheckin)
        {
            return Refuse(RefusalKind.Invalid, "staff checks belong to check-ins; this is a consent");
        }
        if (State.Status is not (SessionStatus.Invited or SessionStatus.InProgress))
        {
            return Refuse(RefusalKind.Conflict, $"the check-in is {State.Status}");
        }
        if (Definition.FindStep(c.StepId) is not StaffCheckStep step)
        {
            return Refuse(RefusalKind.NotFound, $"there is no staff check '{c.StepId}'");
        }
        if (State.IsCompleted(step.Id))
        {
            return Refuse(RefusalKind.Conflict, $"staff check '{step.Id}' is already recorded");
        }
        if (c.Values is null)
        {
            return Refuse(RefusalKind.Invalid, "no values were sent");
        }
        var unknown = c.Values.Keys.FirstOrDefault(id => !step.Fields.Any(f => f.Id == id));
        if (unknown is not null)
        {
            return Refuse(RefusalKind.Invalid, $"'{unknown}' is not a value of this staff check");
        }
        var values = new JsonObject();
        foreach (var field in step.Fields)
        {
            c.Values.TryGetValue(field.Id, out var given);
            var (value, problem) = Checked(field, given);
            if (problem is not null)
            {
                return Refuse(RefusalKind.Invalid, problem);
            }
            values[field.Id] = value;
        }
        if (Clean(c.StaffId) is not { } staff)
        {
            return Refuse(RefusalKind.Invalid, "the staff member is unknown");
        }
        var recorded = new StaffCheckRecordedPayload(values, staff).On(step.Id, HashOf(step));
        return WithCheckinEnding(Decision.Accept(recorded));
    }

    private static (JsonNode? Value, string? Problem) Checked(StaffCheckField field, JsonNode? given)
    {
        var kind = given?.GetValueKind() ?? JsonValueKind.Null;
        switch (field.Kind)
        {
            case StaffFieldKind.YesNo when kind is JsonValueKind.True or JsonValueKind.False:
                return (JsonValue.Create(kind == JsonValueKind.True), null);
            case StaffFieldKind.YesNo:
                return (null, $"'{field.Id}' is yes (true) or no (false)");
            case StaffFieldKind.Number when Payload.Number(given) is { } number:
                return number < field.Min || number > field.Max
                    ? (null, $"'{field.Id}' must be between {field.Min} and {field.Max}{Unit(field)}; {number} looks like a typing error")
                    : (JsonValue.Create(number), null);
            case StaffFieldKind.Number:
                return (null, $"'{field.Id}' must be a number between {field.Min} and {field.Max}{Unit(field)}");
        }
        return (null, $"'{field.Id}' cannot be entered");
    }

    private static string Unit(StaffCheckField field) => field.Unit is { } unit ? " " + unit : "";

    /// <summary>
    /// A clinician decides a held check-in: cleared after a discussion, or not today. A check-in still in progress
    /// whose answers already hold it (<see cref="CheckinHolds.Pending"/>: a patient who reported a crisis and then
    /// left, say) can be ended "not today" the same way; it cannot be cleared before it has ended.
    /// </summary>
    public Decision DecideCheckin(DecideCheckin c)
    {
        if (!Definition.IsCheckin)
        {
            return Refuse(RefusalKind.Invalid, "only a check-in is decided; this is a consent");
        }
        if (!Enum.IsDefined(c.Decision))
        {
            return Refuse(RefusalKind.Invalid, "the decision is cleared or not-today");
        }
        var openWithHold = State.Status == SessionStatus.InProgress && CheckinHolds.Pending(Definition, State).Count > 0;
        if (State.Status != SessionStatus.Held && !openWithHold)
        {
            return Refuse(RefusalKind.Conflict, $"only a held check-in needs a decision (this one is {State.Status})");
        }
        if (openWithHold && c.Decision == CheckinDecision.Cleared)
        {
            return Refuse(RefusalKind.Conflict,
                "the patient's answers hold this check-in and it has not ended, so it cannot be cleared; decide 'not-today', or let the patient finish and the staff checks be entered");
        }
        // A dose needs the patient's agreement today: a clinician cannot clear a patient who said no (the patient may
        // check in again if they change their mind), nor clear one whose staff checks were never taken.
        if (c.Decision == CheckinDecision.Cleared && State.HoldReasons.Any(r => r.Id == CheckinReasons.NoLongerAgrees))
        {
            return Refuse(RefusalKind.Conflict,
                "the patient said they do not agree to the treatment today, so only 'not-today' can be decided; if they change their mind, start a new check-in");
        }
        if (c.Decision == CheckinDecision.Cleared && State.Affirmed != true)
        {
            return Refuse(RefusalKind.Conflict, "the patient never said they still agree today, so the check-in cannot be cleared; decide 'not-today' and start a new check-in");
        }
        if (c.Decision == CheckinDecision.Cleared && Definition.Steps.OfType<StaffCheckStep>().FirstOrDefault(s => !State.IsCompleted(s.Id)) is { } missing)
        {
            return Refuse(RefusalKind.Conflict, $"staff check '{missing.Id}' was never recorded, so the check-in cannot be cleared; decide 'not-today' and start a new check-in");
        }
        if (ClinicianNote(c.Note, c.StaffId, "a decision note", out var note, out var staff) is { } refused)
        {
            return refused;
        }
        // Printed in full on the check-in's one-page signed record (CheckinLimits).
        return note.Length > CheckinLimits.MaxDecisionNoteLength
            ? Refuse(RefusalKind.Invalid, $"a check-in decision note is 1 to {CheckinLimits.MaxDecisionNoteLength} characters: it is printed in full on the one-page check-in record")
            : Decision.Accept(new CheckinDecidedPayload(c.Decision, note, staff).On(null));
    }

    /// <summary>After an accepted check-in action: appends the check-in's ending when it is due.</summary>
    private Decision WithCheckinEnding(Decision decision)
    {
        if (decision is not Decision.Accepted accepted || !Definition.IsCheckin)
        {
            return decision;
        }
        var state = State;
        foreach (var e in accepted.Events)
        {
            state = Apply(state, e);
        }
        return CheckinEnding(state) is { } ending ? new Decision.Accepted([.. accepted.Events, ending]) : decision;
    }

    /// <summary>
    /// The event that ends a check-in in <paramref name="state"/>, or null while something is left: the
    /// patient's steps (identity, questions, disclosures, the affirmation) and every staff check. Then each
    /// discussion step whose condition holds is a reason to hold, with the values its condition read, and so is
    /// a question of the patient's that no clinician has answered.
    /// </summary>
    private NewEvent? CheckinEnding(SessionState state)
    {
        if (state.Status != SessionStatus.InProgress || state.CurrentStep is not null
            || Definition.Steps.OfType<StaffCheckStep>().Any(s => !state.IsCompleted(s.Id)))
        {
            return null;
        }
        var reasons = CheckinHolds.Reasons(Definition, state, onlyKnown: false);
        return reasons.Count == 0
            ? new CheckinClearedPayload().On(null)
            : new CheckinHeldPayload([.. reasons]).On(null);
    }
}

/// <summary>What holds a check-in: the workflow's discussion steps whose condition holds, and the patient's unanswered questions.</summary>
public static class CheckinHolds
{
    /// <summary>
    /// The reasons that already hold a check-in still in progress: the discussion steps whose condition holds on values
    /// all given so far (a patient's answer, a staff check entered; a condition that reads a value not yet given waits),
    /// and an unanswered question. Nothing that ends such a check-in early (void, expiry) may drop them: it cannot be
    /// voided, its expiry holds it, and a clinician may end it "not today".
    /// </summary>
    public static IReadOnlyList<CheckinHoldReason> Pending(WorkflowDefinition workflow, SessionState state) =>
        workflow.IsCheckin && state.Status is SessionStatus.Invited or SessionStatus.InProgress ? Reasons(workflow, state, onlyKnown: true) : [];

    internal static List<CheckinHoldReason> Reasons(WorkflowDefinition workflow, SessionState state, bool onlyKnown)
    {
        var variables = SessionProgressRules.Variables(workflow, state);
        var known = onlyKnown ? Known(workflow, state) : null;
        var reasons = workflow.Steps.OfType<DiscussionStep>()
            .Where(s => known is null || (s.When?.Variables ?? []).All(known.Contains))
            .Where(s => SessionProgressRules.Applies(s, variables))
            .Select(s => new CheckinHoldReason(s.Id, ValuesRead(s, variables)))
            .ToList();
        var open = state.UnansweredQuestions.Select(q => q.Id).ToList();
        if (open.Count > 0)
        {
            reasons.Add(new CheckinHoldReason(CheckinReasons.OpenQuestion, new JsonObject { ["questions"] = new JsonArray([.. open.Select(id => JsonValue.Create(id))]) }));
        }
        return reasons;
    }

    /// <summary>The condition variables given so far: questions answered, and the fields of the staff checks entered.</summary>
    private static HashSet<string> Known(WorkflowDefinition workflow, SessionState state)
    {
        var known = new HashSet<string>(state.Answers.Keys, StringComparer.Ordinal);
        foreach (var check in workflow.Steps.OfType<StaffCheckStep>().Where(s => state.StaffChecks.ContainsKey(s.Id)))
        {
            known.UnionWith(check.Fields.Select(f => f.Id));
        }
        return known;
    }

    private static JsonObject ValuesRead(StepDefinition step, IReadOnlyDictionary<string, object> variables)
    {
        var values = new JsonObject();
        foreach (var name in step.When?.Variables ?? [])
        {
            values[name] = variables.GetValueOrDefault(name) switch
            {
                bool yes => JsonValue.Create(yes),
                decimal number => JsonValue.Create(number),
                string text => JsonValue.Create(text),
                _ => null,
            };
        }
        return values;
    }
}
