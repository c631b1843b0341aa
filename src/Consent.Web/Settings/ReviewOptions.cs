namespace Consent.Web.Settings;

/// <summary>Ethics review of workflow versions (section <c>Review</c>, UseCases/Review/WorkflowReviews.cs).</summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>
    /// How many distinct ethics reviewers must approve a version, each with a signature bound to its hash,
    /// before sessions start on it. Unset: 2, or 1 in Development (so the demo's seeded approval serves). At least 1.
    /// </summary>
    public int? RequiredApprovals { get; set; }

    /// <summary>The number in force: the setting, or the environment's default (bound by SettingsRegistration).</summary>
    public int Required => RequiredApprovals ?? DefaultRequiredApprovals;

    /// <summary>The default outside Development.</summary>
    public const int DefaultRequiredApprovals = 2;

    /// <summary>The default in Development.</summary>
    public const int DevelopmentRequiredApprovals = 1;
}
