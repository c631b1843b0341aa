using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>
/// Which answers led to a <c>stop</c> step, so the patient can see them before the stop ends the
/// session ("You answered Yes to … — is that right?"), and which questions steps to reopen when the
/// patient wants to change them. A mis-tap must not end a consent for good.
/// </summary>
public static class StopConfirmation
{
    /// <summary>
    /// The answered screening questions the stop's condition reads, in workflow order: those that
    /// "fire" (a Yes, a chosen option, some text) when there are any, else every answered one it reads
    /// (a condition such as <c>not ride_home</c> is met by a No).
    /// </summary>
    public static IReadOnlyList<(Question Question, JsonNode Answer, QuestionsStep Step)> Triggers(WorkflowDefinition workflow, SessionState state, StopStep stop)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(stop);
        var read = stop.When?.Variables.ToHashSet(StringComparer.Ordinal) ?? [];
        var answered = workflow.Steps.OfType<QuestionsStep>()
            .SelectMany(step => step.Questions.Select(q => (Question: q, Step: step)))
            .Where(x => read.Contains(x.Question.Id) && state.Answers.ContainsKey(x.Question.Id))
            .Select(x => (x.Question, Answer: state.Answers[x.Question.Id], x.Step))
            .ToList();
        var firing = answered.Where(x => Fires(x.Answer)).ToList();
        return firing.Count > 0 ? firing : answered;
    }

    /// <summary>The questions steps holding <see cref="Triggers"/>, in workflow order, each once.</summary>
    public static IReadOnlyList<QuestionsStep> StepsToReopen(WorkflowDefinition workflow, SessionState state, StopStep stop) =>
        [.. Triggers(workflow, state, stop).Select(t => t.Step).Distinct()];

    private static bool Fires(JsonNode answer) => answer.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => answer.GetValue<string>().Length > 0,
        _ => false,
    };
}
