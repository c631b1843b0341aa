using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>
/// The pure consent interpreter: <see cref="Replay"/> rebuilds a session from its events, and
/// <see cref="Decide"/> turns a command into events to append or a refusal. No I/O, no clock.
/// </summary>
/// <remarks>
/// The host stores every accepted <see cref="NewEvent"/> with the <c>now</c> it passed to
/// <see cref="Decide"/> as its time; replay reads times from the stored events. Commands users send
/// never make it throw: bad input is a <see cref="Decision.Refused"/>.
/// </remarks>
public static partial class ConsentInterpreter
{
    /// <summary>Rebuilds the session state from its events, oldest first.</summary>
    /// <exception cref="InvalidDataException">The log holds a status change the lifecycle does not allow.</exception>
    public static SessionState Replay(LoadedWorkflow workflow, IReadOnlyList<RecordedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(events);
        var state = SessionProgressRules.Derive(workflow.Definition, SessionState.Empty);
        foreach (var e in events)
        {
            state = SessionReplay.Apply(workflow.Definition, state, e);
        }
        return state;
    }

    /// <summary>Applies one more stored event to a state (what <see cref="Replay"/> does for each event).</summary>
    public static SessionState Apply(LoadedWorkflow workflow, SessionState state, RecordedEvent e)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        return SessionReplay.Apply(workflow.Definition, state, e);
    }

    /// <summary>Decides what <paramref name="command"/> does to the session at <paramref name="now"/>.</summary>
    public static Decision Decide(LoadedWorkflow workflow, SessionState state, SessionCommand command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(state);
        if (command is CreateSession create)
        {
            return Create(workflow, state, create, now);
        }
        if (!state.Exists)
        {
            return Decision.Refuse(RefusalKind.NotFound, "there is no such session");
        }
        var context = new DecisionContext(workflow, state, now);
        return command switch
        {
            VerifyIdentity c => context.VerifyIdentity(c),
            SubmitAnswers c => context.SubmitAnswers(c),
            AcknowledgeDisclosure c => context.AcknowledgeDisclosure(c),
            SubmitQuiz c => context.SubmitQuiz(c),
            AskQuestion c => context.AskQuestion(c),
            FinishAsking c => context.FinishAsking(c),
            ConfirmStop c => context.ConfirmStop(c),
            ChangeAnswers c => context.ChangeAnswers(c),
            SignAsPatient c => context.SignAsPatient(c),
            Decline c => context.Decline(c),
            AnswerQuestion c => context.AnswerQuestion(c),
            RecordDiscussion c => context.RecordDiscussion(c),
            FollowUpReferral c => context.FollowUpReferral(c),
            Countersign c => context.Countersign(c),
            RecordPaperConsent c => context.RecordPaperConsent(c),
            VoidSession c => context.Void(c),
            Withdraw c => context.Withdraw(c),
            Expire => context.Expire(),
            ReissueLink c => context.ReissueLink(c),
            IssueRecord c => context.IssueRecord(c),
            RecordStaffCheck c => context.RecordStaffCheck(c),
            Affirm c => context.Affirm(c),
            DecideCheckin c => context.DecideCheckin(c),
            _ => Decision.Refuse(RefusalKind.Invalid, "unknown command"),
        };
    }

    private static Decision Create(LoadedWorkflow workflow, SessionState state, CreateSession c, DateTimeOffset now)
    {
        if (state.Exists)
        {
            return Decision.Refuse(RefusalKind.Conflict, "the session already exists");
        }
        if (c.Language is null || !workflow.Definition.Languages.Contains(c.Language))
        {
            return Decision.Refuse(RefusalKind.Invalid, $"the workflow is available in {string.Join(", ", workflow.Definition.Languages)} only");
        }
        if (c.ExpiresAt <= now)
        {
            return Decision.Refuse(RefusalKind.Invalid, "the link must expire in the future");
        }
        if (string.IsNullOrWhiteSpace(c.PatientDigest) || string.IsNullOrWhiteSpace(c.CreatedBy))
        {
            return Decision.Refuse(RefusalKind.Invalid, "a session needs a patient and the clinician who starts it");
        }
        if (c.ReliesOn is not null && !workflow.Definition.IsCheckin)
        {
            return Decision.Refuse(RefusalKind.Invalid, "only a check-in relies on a consent; this is a consent");
        }
        if (c.Signers is { IsPatientAlone: false } && workflow.Definition.IsCheckin)
        {
            return Decision.Refuse(RefusalKind.Invalid, "a check-in is the patient's own; a representative, witness or interpreter signs a consent");
        }
        return Decision.Accept(new SessionCreatedPayload(workflow.Definition.Id, workflow.Definition.Version, workflow.Hash, c.Language,
            Payload.Iso(c.ExpiresAt), c.PatientDigest, c.CreatedBy, c.LinkTokenHash, c.Supersedes, c.ReliesOn, c.Signers).On(null));
    }
}
