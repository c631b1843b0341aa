namespace Consent.Web.Data.Entities;

/// <summary>One ethics decision on a workflow version: approved or retired, by whom, why.</summary>
public sealed class WorkflowReview
{
    public long Id { get; set; }

    public string WorkflowId { get; set; } = "";

    public int Version { get; set; }

    public ApprovalState Decision { get; set; }

    public string Comment { get; set; } = "";

    public Guid ReviewerId { get; set; }

    /// <summary>Whole seconds (<see cref="Identity.CertificateMac.WholeSeconds"/>), so the stored time is the sealed one.</summary>
    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>
    /// The decision's number for its workflow version, 1 first; the highest sealed one is the
    /// version's approval. Null for a decision an earlier version recorded and nobody sealed yet.
    /// </summary>
    public int? Seq { get; set; }

    /// <summary>HMAC over the decision, its number and the version's file hash (<see cref="WorkflowVersions.ReviewSeals"/>); null with <see cref="Seq"/>.</summary>
    public string? Seal { get; set; }

    /// <summary>
    /// The signer's printed name as the account showed it when signing (21 CFR 11.50(a)(1)); null for a
    /// decision recorded before decisions were signatures (its seal is the v1 one, without these fields).
    /// </summary>
    public string? SignerName { get; set; }

    /// <summary>The signature's meaning, e.g. "Approved for use with patients" (21 CFR 11.50(a)(3)); null with <see cref="SignerName"/>.</summary>
    public string? Meaning { get; set; }

    /// <summary>SHA-256 (hex) of the version the signature is bound to (21 CFR 11.70); null with <see cref="SignerName"/>.</summary>
    public string? SignedHash { get; set; }
}
