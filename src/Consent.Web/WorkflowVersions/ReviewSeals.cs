using System.Security.Cryptography;
using System.Text;
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
/// </remarks>
public sealed class ReviewSeals(KeyEncryption certificates)
{
    private const string Label = "Consent workflow review seal v1";

    private readonly (string Id, byte[] Key)[] keys = CertificateKeys.For(certificates, Label);

    /// <summary>A time cut to whole seconds: PostgreSQL keeps microseconds and .NET ticks, and the seal covers the stored time.</summary>
    public static DateTimeOffset Second(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);

    /// <summary>Numbers and seals a decision on the version whose file hashes to <paramref name="workflowHash"/>.</summary>
    public void Seal(WorkflowReview review, int seq, string workflowHash)
    {
        review.DecidedAt = Second(review.DecidedAt);
        review.Seq = seq;
        review.Seal = $"{keys[0].Id}:{Compute(keys[0].Key, Content(review, workflowHash))}";
    }

    /// <summary>Whether the decision's seal holds for the version whose file hashes to <paramref name="workflowHash"/>.</summary>
    public SealState Check(WorkflowReview review, string workflowHash)
    {
        if (review.Seq is null || string.IsNullOrEmpty(review.Seal))
        {
            return SealState.Missing;
        }

        var parts = review.Seal.Split(':');
        var key = keys.FirstOrDefault(k => parts.Length == 2 && string.Equals(k.Id, parts[0], StringComparison.Ordinal)).Key;
        if (key is null)
        {
            return SealState.UnknownKey;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(key, Content(review, workflowHash)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[1])) ? SealState.Holds : SealState.Mismatch;
    }

    private static string Content(WorkflowReview review, string workflowHash) => JsonSerializer.Serialize(new object?[]
    {
        "workflow-review-v1", review.WorkflowId, review.Version, workflowHash, review.Seq, review.Decision.ToString(),
        review.ReviewerId.ToString("D"), review.DecidedAt.ToUnixTimeSeconds(), review.Comment,
    });

    private static string Compute(byte[] key, string content) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(content)));
}
