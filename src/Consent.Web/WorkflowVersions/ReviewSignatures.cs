using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.UseCases.Review;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.WorkflowVersions;

/// <summary>
/// The meanings of an ethics reviewer's signature (21 CFR 11.50(a)(3)), as stored with it and shown with it.
/// </summary>
public static class SignatureMeanings
{
    public const string Approved = "Approved for use with patients";

    public const string Retired = "Retired";

    public static string Of(ApprovalState decision) => decision switch
    {
        ApprovalState.Approved => Approved,
        ApprovalState.Retired => Retired,
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "Only approvals and retirements are signed."),
    };
}

/// <summary>
/// Ethics decisions as signatures with their manifestation (21 CFR 11.50): "Approved for use with patients by
/// Ana Reviewer, 2026-12-01 10:40:00 −05:00", the time in the clinic's zone with its offset as staff pages show it.
/// </summary>
public sealed class ReviewSignatures(ConsentDbContext db, ClinicSettings clinic)
{
    /// <summary>The printed name of the development seed's approval (no account signs it).</summary>
    public const string DevelopmentSeedName = "Development seed data";

    /// <summary>
    /// The current display names of the reviewers of decisions made before decisions were signatures (no printed name
    /// was stored with them), by account id; empty when every decision has its own.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string>> LegacyNamesAsync(IEnumerable<WorkflowReview> reviews, CancellationToken ct)
    {
        var ids = reviews.Where(r => r.SignerName is null && r.ReviewerId != Guid.Empty).Select(r => r.ReviewerId).Distinct().ToList();
        return ids.Count == 0 ? new Dictionary<Guid, string>()
            : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
    }

    /// <summary>The decision's signature, for the version whose file hashes to <paramref name="versionHash"/>.</summary>
    public ReviewSignature Of(WorkflowReview review, string versionHash, IReadOnlyDictionary<Guid, string> legacyNames)
    {
        var legacy = review.SignedHash is null;
        var name = review.SignerName
            ?? (review.ReviewerId == Guid.Empty ? DevelopmentSeedName : legacyNames.GetValueOrDefault(review.ReviewerId, review.ReviewerId.ToString("D")));
        var meaning = review.Meaning ?? SignatureMeanings.Of(review.Decision);
        return new ReviewSignature(review.ReviewerId, name, review.DecidedAt, meaning, review.SignedHash ?? versionHash,
            Manifestation(meaning, name, review.DecidedAt), legacy);
    }

    /// <summary>"Approved for use with patients by Ana Reviewer, 2026-12-01 10:40:00 −05:00".</summary>
    public string Manifestation(string meaning, string name, DateTimeOffset at) =>
        $"{meaning} by {name}, {RecordTime.FormatPrecise(at, clinic.TimeZone)}";
}
