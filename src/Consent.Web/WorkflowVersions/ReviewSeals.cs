using System.Text.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;

namespace Consent.Web.WorkflowVersions;

/// <summary>
/// Seals each ethics decision on a workflow version, so that only a decision the service recorded
/// for a reviewer approves a version: not a row written into <c>workflow_reviews</c>, nor
/// <c>workflow_versions.approval</c> set, by whoever can write the database.
/// </summary>
/// <remarks>
/// <para>The runtime role must add decisions and set the approval column. An attack as that role
/// could approve a version no reviewer approved, or bring a retired version back, and clinicians
/// would then start consents on it. So each decision carries an HMAC-SHA256 (RFC 2104) under a key
/// derived from the key-encryption certificate's private key (<see cref="CertificateKeys"/>) over
/// the workflow id, version, the version's file hash, the decision's number for that version, the
/// decision, the reviewer, the time and the comment. The version's approval is the decision with
/// the highest number whose seal holds (<see cref="WorkflowApprovals"/>); the numbers are unique
/// per version and <c>workflow_reviews</c> is append-only for the runtime role, so a decision cannot
/// be removed, replaced or outnumbered without the key. The approval column stays as the list's
/// index, and is believed only when the sealed decisions agree.</para>
/// <para>Since decisions became electronic signatures (21 CFR 11.50, 11.70), the seal also covers the
/// signature's manifestation: the printed name at signing, the meaning and the SHA-256 of the version
/// signed (content "workflow-review-v2"). A decision recorded before has none of these and keeps its
/// v1 content, so its seal still holds.</para>
/// </remarks>
public sealed class ReviewSeals(KeyEncryption certificates)
{
    private readonly CertificateMac mac = new(certificates, "Consent workflow review seal v1");

    /// <summary>Numbers and seals a decision on the version whose file hashes to <paramref name="workflowHash"/>.</summary>
    public void Seal(WorkflowReview review, int seq, string workflowHash)
    {
        review.DecidedAt = CertificateMac.WholeSeconds(review.DecidedAt);
        review.Seq = seq;
        review.Seal = mac.Seal(Content(review, workflowHash));
    }

    /// <summary>Whether the decision's seal holds for the version whose file hashes to <paramref name="workflowHash"/>.</summary>
    public SealState Check(WorkflowReview review, string workflowHash) =>
        review.Seq is null ? SealState.Missing : mac.Check(review.Seal, Content(review, workflowHash));

    private static string Content(WorkflowReview review, string workflowHash) => review.SignedHash is null
        ? JsonSerializer.Serialize(new object?[]
        {
            "workflow-review-v1", review.WorkflowId, review.Version, workflowHash, review.Seq, review.Decision.ToString(),
            review.ReviewerId.ToString("D"), review.DecidedAt.ToUnixTimeSeconds(), review.Comment,
        })
        // 21 CFR 11.70: the signature is linked to what was signed (the version's hash, twice: the file's
        // now and the one the reviewer signed) and cannot be copied to another decision or version.
        : JsonSerializer.Serialize(new object?[]
        {
            "workflow-review-v2", review.WorkflowId, review.Version, workflowHash, review.Seq, review.Decision.ToString(),
            review.ReviewerId.ToString("D"), review.DecidedAt.ToUnixTimeSeconds(), review.Comment,
            review.SignerName, review.Meaning, review.SignedHash,
        });
}
