using Consent.Workflows;

namespace Consent.Web.UseCases.Review;

/// <summary>An approved version, as clinicians choose from, with the signed approvals it went into use on.</summary>
public sealed record WorkflowSummary(string Id, int Version, IReadOnlyDictionary<string, string> Title, IReadOnlyList<string> Languages, string Hash,
    string Kind = "consent", string? Requires = null)
{
    public IReadOnlyList<ReviewSignature> Approvals { get; init; } = [];
}

/// <summary>
/// A version with its approval state as its sealed decisions say (Pending, Approved, Retired or Unverified), how many
/// distinct reviewers' approvals count of how many are required, and those signatures, for reviewers.
/// </summary>
public sealed record VersionSummary(string Id, int Version, string Title, IReadOnlyList<string> Languages, string Hash, string Approval, string SourcePath)
{
    public int Approvals { get; init; }

    public int RequiredApprovals { get; init; }

    public IReadOnlyList<ReviewSignature> Signatures { get; init; } = [];
}

/// <summary>
/// An approval or retirement: the reviewer's comment, and the password entered again to sign it (21 CFR 11.200(a)).
/// <paramref name="Code"/> is the authenticator code the first signing after a sign-in will also ask for; it is not checked yet.
/// </summary>
public sealed record DecisionInput(string? Comment, string? Password = null, string? Code = null);

/// <summary>
/// A decision's electronic signature as shown wherever it is shown (21 CFR 11.50): the printed name at signing, when
/// (UTC here; <paramref name="Manifestation"/> in the clinic's time zone with its offset), its meaning, and the SHA-256
/// of the version signed (11.70). <paramref name="RecordedBeforeSignatures"/> is true for a decision made before decisions
/// were signatures: its name is the account's current one and nothing of it but the decision was sealed.
/// </summary>
public sealed record ReviewSignature(
    Guid SignerId, string PrintedName, DateTimeOffset SignedAt, string Meaning, string WorkflowHash, string Manifestation, bool RecordedBeforeSignatures = false);

/// <summary>
/// Everything a reviewer needs: texts per language, diagram, reading levels, past decisions. The approval is
/// the latest sealed decision's (Pending with none; <see cref="ReviewDecision.Unverified"/> when its seal does not hold).
/// </summary>
public sealed record VersionReview(
    string Id, int Version, string Hash, string SourcePath, string Approval, IReadOnlyList<string> Languages,
    IReadOnlyDictionary<string, string> Title, string Diagram, IReadOnlyList<StepReview> Steps, IReadOnlyList<ReviewDecision> Decisions)
{
    /// <summary>How many distinct reviewers' sealed approvals of this hash count.</summary>
    public int Approvals { get; init; }

    /// <summary>How many are required (<c>Review:RequiredApprovals</c>).</summary>
    public int RequiredApprovals { get; init; }

    /// <summary>The approvals that count, as signatures.</summary>
    public IReadOnlyList<ReviewSignature> Signatures { get; init; } = [];

    /// <summary>The version before this one (the highest lower number the service knows), or null for a first version.</summary>
    public int? PreviousVersion { get; init; }

    /// <summary>What changed since <see cref="PreviousVersion"/>, step by step (<see cref="WorkflowVersions.VersionChanges"/>).</summary>
    public IReadOnlyList<WorkflowVersions.StepChange> Changes { get; init; } = [];
}

/// <summary>One step's texts per language, with reading levels for disclosures.</summary>
public sealed record StepReview(string Id, string Type, string? When, IReadOnlyDictionary<string, string> Texts, IReadOnlyDictionary<string, ReadingScore>? ReadingLevel)
{
    /// <summary><c>key-information</c> for the concise summary a consent opens with (its type stays <c>disclosure</c>); null otherwise.</summary>
    public string? Kind { get; init; }

    /// <summary>
    /// For key information: the level each language must read at (grade 6 or below: Flesch–Kincaid at most 6, Fernández Huerta
    /// at least 70) and whether its text does, so the reviewer sees the target beside the score; null for other steps.
    /// </summary>
    public IReadOnlyDictionary<string, ReadingTarget>? ReadingTarget { get; init; }
}

/// <summary>The level a text must read at, in words and as a limit on its scale, and whether it does.</summary>
public sealed record ReadingTarget(string Scale, double Limit, string Description, bool Met);

/// <summary>
/// A past approval or retirement; <paramref name="RecordedByService"/> is false when its seal does not hold
/// (written into the database outside the service, or before decisions were sealed), and it counts for nothing.
/// </summary>
public sealed record ReviewDecision(string Decision, string Comment, Guid ReviewerId, DateTimeOffset DecidedAt, bool RecordedByService, ReviewSignature Signature)
{
    /// <summary>The state shown when the latest numbered decision's seal does not hold: no session starts on the version.</summary>
    public const string Unverified = "Unverified";
}

/// <summary>A version's approval state after a reviewer's decision: "k of n" approvals, and the signature just made.</summary>
public sealed record VersionDecided(string Id, int Version, string Approval, int Approvals, int RequiredApprovals, ReviewSignature Signature);
