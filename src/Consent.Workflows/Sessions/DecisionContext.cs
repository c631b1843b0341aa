using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>The inputs of one decision, with the checks every command shares.</summary>
internal sealed partial record DecisionContext(LoadedWorkflow Workflow, SessionState State, DateTimeOffset Now)
{
    private WorkflowDefinition Definition => Workflow.Definition;

    private static Decision Refuse(RefusalKind kind, string reason) => Decision.Refuse(kind, reason);

    /// <summary>Refuses patient commands the session cannot take now, or returns null.</summary>
    private Decision? PatientGate(bool requireVerified = true, bool allowAwaiting = false)
    {
        switch (State.Status)
        {
            case SessionStatus.Expired:
                return Refuse(RefusalKind.Gone, "this link has expired; ask the clinic for a new one");
            case SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Referred or SessionStatus.Voided or SessionStatus.Withdrawn
                or SessionStatus.Cleared or SessionStatus.Held or SessionStatus.NotToday:
                return Refuse(RefusalKind.Conflict, $"the session is {State.Status}");
            case SessionStatus.AwaitingCountersign when !allowAwaiting:
                return Refuse(RefusalKind.Conflict, "you have signed; the clinician countersigns next");
            case SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign:
                break;
        }
        if (Now > State.ExpiresAt)
        {
            return Refuse(RefusalKind.Gone, "this link has expired; ask the clinic for a new one");
        }
        if (State.Identity.Locked)
        {
            return Refuse(RefusalKind.Locked, "this link is locked after too many tries; ask the clinic to reissue it");
        }
        if (requireVerified && !State.Identity.Verified)
        {
            return Refuse(RefusalKind.Conflict, "confirm your identity first");
        }
        return null;
    }

    /// <summary>Runs a patient command on a step of type <typeparamref name="TStep"/> that must be the current one.</summary>
    private Decision OnCurrentStep<TStep>(string? stepId, Func<TStep, Decision> decide)
        where TStep : StepDefinition
    {
        if (PatientGate() is { } refused)
        {
            return refused;
        }
        var step = Definition.FindStep(stepId);
        if (step is null)
        {
            return Refuse(RefusalKind.NotFound, $"there is no step '{stepId}'");
        }
        if (step is not TStep typed)
        {
            return Refuse(RefusalKind.Invalid, $"step '{step.Id}' is a {StepTypeNames.Of(step.Type)} step");
        }
        if (State.IsCompleted(step.Id))
        {
            return Refuse(RefusalKind.Conflict, $"step '{step.Id}' is already done");
        }
        if (State.CurrentStep?.Id != step.Id)
        {
            return Refuse(RefusalKind.Conflict, State.CurrentStep is null
                ? "there is no step to do now"
                : $"step '{step.Id}' is not the current step ('{State.CurrentStep.Id}' is)");
        }
        return AdvanceAfter(decide(typed));
    }

    /// <summary>
    /// After a patient action: skips steps whose condition is false, opens holds at discussion steps,
    /// and at a stop step either ends the session (a stop with no condition) or waits there for the
    /// patient to confirm or change the answers that led to it (<see cref="StopConfirmation"/>).
    /// </summary>
    private Decision AdvanceAfter(Decision decision)
    {
        if (decision is not Decision.Accepted accepted)
        {
            return decision;
        }
        var events = accepted.Events.ToList();
        var state = State;
        foreach (var e in events)
        {
            state = Apply(state, e);
        }
        for (var guard = 0; guard <= Definition.Steps.Length && state.Status == SessionStatus.InProgress; guard++)
        {
            NewEvent automatic;
            switch (SessionProgressRules.NextStep(Definition, state))
            {
                case StopStep { When: not null }:
                    return new Decision.Accepted(events);
                case StopStep stop:
                    automatic = new StopReachedPayload(stop.Outcome).On(stop.Id, ContentHashes.For(stop, State.Language));
                    break;
                case DiscussionStep discussion:
                    automatic = new HoldOpenedPayload(discussion.Id, HoldKind.Discussion).On(discussion.Id, ContentHashes.For(discussion, State.Language));
                    break;
                default:
                    return WithCheckinEnding(new Decision.Accepted(events));
            }
            events.Add(automatic);
            state = Apply(state, automatic);
        }
        return new Decision.Accepted(events);
    }

    private SessionState Apply(SessionState state, NewEvent e) =>
        SessionReplay.Apply(Definition, state, new RecordedEvent(state.LastSeq + 1, e.Type, e.StepId, e.Payload, e.ContentHash, "patient", Now));

    private string HashOf(StepDefinition step) => ContentHashes.For(step, State.Language);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>True when typed text holds characters a reader would not see as stored (<see cref="VisibleText"/>): it must not reach a record.</summary>
    private static bool Hidden(string? text, bool multiline = true) => text is not null && !VisibleText.IsAcceptable(text, multiline);

    private const string HiddenCharacters = "the text contains control or invisible formatting characters (such as zero-width spaces or text-direction marks)";
}
