using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>One published version of a consent workflow, as read from <c>workflows/&lt;id&gt;/v&lt;N&gt;.yaml</c>.</summary>
public sealed record WorkflowDefinition(
    string Id,
    int Version,
    LocalizedText Title,
    ImmutableArray<string> Languages,
    TimeSpan InvitationValidFor,
    LocalizedText? Withdrawal,
    ImmutableArray<StepDefinition> Steps)
{
    /// <summary>The step with this id, or null.</summary>
    public StepDefinition? FindStep(string? stepId) =>
        stepId is null ? null : Steps.FirstOrDefault(s => s.Id == stepId);

    /// <summary>Position of the step in the workflow, or -1.</summary>
    public int IndexOf(string stepId)
    {
        for (var i = 0; i < Steps.Length; i++)
        {
            if (Steps[i].Id == stepId)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Every screening question of every <c>questions</c> step, in order.</summary>
    public IEnumerable<Question> ScreeningQuestions =>
        Steps.OfType<QuestionsStep>().SelectMany(s => s.Questions);
}
