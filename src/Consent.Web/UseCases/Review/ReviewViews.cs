using Consent.Workflows;

namespace Consent.Web.UseCases.Review;

/// <summary>An approved version, as clinicians choose from.</summary>
public sealed record WorkflowSummary(string Id, int Version, IReadOnlyDictionary<string, string> Title, IReadOnlyList<string> Languages, string Hash,
    string Kind = "consent", string? Requires = null);

/// <summary>A version with its approval state, for reviewers.</summary>
public sealed record VersionSummary(string Id, int Version, string Title, IReadOnlyList<string> Languages, string Hash, string Approval, string SourcePath);

/// <summary>The reviewer's comment on an approval or retirement.</summary>
public sealed record DecisionInput(string? Comment);

/// <summary>
/// Everything a reviewer needs: texts per language, diagram, reading levels, past decisions. The approval is
/// the latest sealed decision's (Pending with none; <see cref="ReviewDecision.Unverified"/> when its seal does not hold).
/// </summary>
public sealed record VersionReview(
    string Id, int Version, string Hash, string SourcePath, string Approval, IReadOnlyList<string> Languages,
    IReadOnlyDictionary<string, string> Title, string Diagram, IReadOnlyList<StepReview> Steps, IReadOnlyList<ReviewDecision> Decisions)
{
    /// <summary>The version before this one (the highest lower number the service knows), or null for a first version.</summary>
    public int? PreviousVersion { get; init; }

    /// <summary>What changed since <see cref="PreviousVersion"/>, step by step (<see cref="WorkflowVersions.VersionChanges"/>).</summary>
    public IReadOnlyList<WorkflowVersions.StepChange> Changes { get; init; } = [];
}

/// <summary>One step's texts per language, with reading levels for disclosures.</summary>
public sealed record StepReview(string Id, string Type, string? When, IReadOnlyDictionary<string, string> Texts, IReadOnlyDictionary<string, ReadingScore>? ReadingLevel);

/// <summary>
/// A past approval or retirement; <paramref name="RecordedByService"/> is false when its seal does not hold
/// (written into the database outside the service, or before decisions were sealed), and it counts for nothing.
/// </summary>
public sealed record ReviewDecision(string Decision, string Comment, Guid ReviewerId, DateTimeOffset DecidedAt, bool RecordedByService)
{
    /// <summary>The state shown when the latest numbered decision's seal does not hold: no session starts on the version.</summary>
    public const string Unverified = "Unverified";
}

/// <summary>A version's approval state after a reviewer's decision.</summary>
public sealed record VersionDecided(string Id, int Version, string Approval);
