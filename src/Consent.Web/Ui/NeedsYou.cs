using Consent.Workflows;

namespace Consent.Web.Ui;

/// <summary>What a session needs from its clinician, in the words of the "Needs you" column and the session page.</summary>
public static class NeedsYou
{
    /// <param name="workflow">The session's workflow: a check-in's staff checks still to enter are named from it.</param>
    public static IReadOnlyList<string> For(SessionState state, StaffNotes notes, WorkflowDefinition? workflow = null)
    {
        var needs = new List<string>();
        if (state.UnansweredQuestions.Count() is var open and > 0)
        {
            needs.Add(open == 1 ? "1 question to answer" : $"{open} questions to answer");
        }

        var holds = state.OpenHolds.Select(h => notes.For(h).Title).Distinct(StringComparer.Ordinal).ToList();
        if (holds.Count > 0)
        {
            needs.Add("discussion needed: " + string.Join("; ", holds));
        }

        if (state.Status == SessionStatus.AwaitingCountersign)
        {
            needs.Add("ready to countersign");
        }

        // The patient was told someone will contact them: the task stays here until a follow-up is recorded.
        if (state is { Status: SessionStatus.Referred, FollowUp: null, Ending: { } ending })
        {
            needs.Add(notes.For(ending).Title + " — contact the patient");
        }

        // A held check-in waits for a clinician's signed decision before any dose (issue 14).
        if (state is { Status: SessionStatus.Held, CheckinDecision: null })
        {
            needs.Add("check-in held (" + string.Join("; ", state.HoldReasons.Select(r => notes.CheckinReason(workflow, r.Id)).Distinct(StringComparer.Ordinal))
                + ") — decide: cleared or not today");
        }

        // A check-in still open whose answers already hold it (a crisis answer, say): the clinician sees the patient now.
        if (workflow is { IsCheckin: true } && CheckinHolds.Pending(workflow, state) is { Count: > 0 } pending)
        {
            needs.Add("the patient's answers hold this check-in (" + string.Join("; ", pending.Select(r => notes.CheckinReason(workflow, r.Id)).Distinct(StringComparer.Ordinal))
                + ") — see the patient");
        }

        if (workflow is { IsCheckin: true } && state.Status is SessionStatus.Invited or SessionStatus.InProgress
            && workflow.Steps.OfType<StaffCheckStep>().Where(s => !state.IsCompleted(s.Id)).Select(s => MarkdownHtml.Plain(s.Title?.For(StaffNotes.Language) ?? s.Id)).ToList() is { Count: > 0 } checks)
        {
            needs.Add("staff check to enter: " + string.Join("; ", checks));
        }

        return needs;
    }
}
