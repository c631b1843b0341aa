using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>One published version of a consent or check-in workflow, as read from <c>workflows/&lt;id&gt;/v&lt;N&gt;.yaml</c>.</summary>
public sealed record WorkflowDefinition(
    string Id,
    int Version,
    LocalizedText Title,
    ImmutableArray<string> Languages,
    TimeSpan InvitationValidFor,
    LocalizedText? Withdrawal,
    ImmutableArray<StepDefinition> Steps)
{
    /// <summary>
    /// What the workflow is for (<c>kind</c>): a consent, or a dose-day check-in. Absent in the file means
    /// <see cref="WorkflowKind.Consent"/>, so definitions written before kinds existed keep their meaning and hash.
    /// </summary>
    public WorkflowKind Kind { get; init; } = WorkflowKind.Consent;

    /// <summary>
    /// For a check-in (<c>requires</c>): the id of the consent workflow whose consent must be in force
    /// (<c>valid</c> or <c>expiring</c>) for the check-in to start; null for a consent workflow. The
    /// catalog checks that it names a consent-kind workflow.
    /// </summary>
    public string? Requires { get; init; }

    /// <summary>True for a dose-day check-in (<see cref="WorkflowKind.Checkin"/>).</summary>
    public bool IsCheckin => Kind == WorkflowKind.Checkin;

    /// <summary>
    /// How long a consent signed on this version stays valid (<c>validity</c>), or null: it does not
    /// expire. Counted from the signing (the countersignature that completes the session).
    /// </summary>
    public CalendarPeriod? Validity { get; init; }

    /// <summary>
    /// The period before the end of <see cref="Validity"/> in which a consent counts as expiring
    /// (<c>notice</c>), or null. Only with a validity, and shorter than it.
    /// </summary>
    public CalendarPeriod? Notice { get; init; }

    /// <summary>
    /// Whether patients who signed an earlier version must sign this one (<c>reconsent</c>): only in
    /// version 2 or later; absent means <see cref="ReconsentRule.NotRequired"/>.
    /// </summary>
    public ReconsentRule Reconsent { get; init; } = ReconsentRule.NotRequired;

    /// <summary>What changed since the previous version and why (<c>changes</c>), per language, or null; required with <see cref="ReconsentRule.Required"/>.</summary>
    public LocalizedText? Changes { get; init; }

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

    /// <summary>Every field of every <c>staff-check</c> step, in order.</summary>
    public IEnumerable<StaffCheckField> StaffCheckFields =>
        Steps.OfType<StaffCheckStep>().SelectMany(s => s.Fields);

    /// <summary>Every screening question of every <c>questions</c> step, in order.</summary>
    public IEnumerable<Question> ScreeningQuestions =>
        Steps.OfType<QuestionsStep>().SelectMany(s => s.Questions);
}

/// <summary>Whether a new version of a workflow asks patients who signed an earlier one to sign again.</summary>
public enum ReconsentRule
{
    /// <summary>A consent on an earlier version stays in force (wording, layout or translation changes).</summary>
    NotRequired,

    /// <summary>
    /// A consent on an earlier version is due again: the version carries information that may bear on the
    /// patient's willingness to continue (21 CFR 50.25(b)(5), significant new findings).
    /// </summary>
    Required,
}
