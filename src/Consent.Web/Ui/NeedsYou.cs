using Consent.Workflows;

namespace Consent.Web.Ui;

/// <summary>What a session needs from its clinician, in the words of the "Needs you" column and the session page.</summary>
public static class NeedsYou
{
    public static IReadOnlyList<string> For(SessionState state, StaffNotes notes)
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

        return needs;
    }
}
