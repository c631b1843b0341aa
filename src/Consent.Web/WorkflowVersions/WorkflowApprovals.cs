using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Consent.Web.WorkflowVersions;

/// <summary>A version's approval as its sealed decisions say, with the signed approvals that count toward it.</summary>
/// <param name="State">Pending, Approved or Retired; null when the latest numbered decision's seal does not hold (Unverified).</param>
/// <param name="Approvers">
/// The approvals that count: sealed, bound to the version's hash, the first of each distinct reviewer, in the order they were made.
/// </param>
/// <param name="Required">How many distinct reviewers must approve (<c>Review:RequiredApprovals</c>).</param>
public sealed record ApprovalStatus(ApprovalState? State, IReadOnlyList<WorkflowReview> Approvers, int Required)
{
    /// <summary>How many distinct reviewers' approvals count.</summary>
    public int Approvals => Approvers.Count;
}

/// <summary>
/// A workflow version's approval as its sealed ethics decisions say (<see cref="ReviewSeals"/>):
/// the one gate a session start, the approved list and a reviewer's next decision go through.
/// </summary>
/// <remarks>
/// <para>A version is Approved once <c>Review:RequiredApprovals</c> distinct reviewers have each signed an approval
/// bound to its hash (21 CFR 11.70), and it has no sealed retirement; one sealed retirement retires it for good, as
/// withdrawing a version from use is the safe direction and needs no second reviewer. Until then it is Pending,
/// "k of n approvals". The count is judged against the setting in force: raising it takes versions with fewer
/// approvals out of use until more reviewers approve.</para>
/// <para>A version whose approval column says Approved while its sealed decisions do not (too few distinct approvals,
/// a retirement, or a latest numbered decision whose seal does not hold) is not approved, and the log raises an
/// <c>AUDIT ALERT</c> naming it: the database was changed outside the service (or the setting was raised).
/// A decision whose seal does not hold never counts, so approvals cannot be added, copied to another reviewer
/// or another version, or moved to another hash without the key.</para>
/// </remarks>
public sealed class WorkflowApprovals(ConsentDbContext db, ReviewSeals seals, IOptions<ReviewOptions> options, ILogger<WorkflowApprovals> logger)
{
    /// <summary>How many distinct reviewers must approve a version.</summary>
    public int Required => options.Value.Required;

    /// <summary>The version's approval by its sealed decisions.</summary>
    public async Task<ApprovalStatus> StatusAsync(WorkflowVersionEntry version, CancellationToken ct) =>
        Judge(version, await db.WorkflowReviews.AsNoTracking()
            .Where(r => r.WorkflowId == version.WorkflowId && r.Version == version.Version && r.Seq != null)
            .ToListAsync(ct));

    /// <summary>The approval of each of these versions by its sealed decisions, with one query for their decisions.</summary>
    public async Task<Dictionary<(string WorkflowId, int Version), ApprovalStatus>> StatusesAsync(IReadOnlyList<WorkflowVersionEntry> versions, CancellationToken ct)
    {
        var ids = versions.Select(w => w.WorkflowId).Distinct().ToList();
        var decisions = (await db.WorkflowReviews.AsNoTracking().Where(r => ids.Contains(r.WorkflowId) && r.Seq != null).ToListAsync(ct))
            .ToLookup(r => (r.WorkflowId, r.Version));
        return versions.ToDictionary(w => (w.WorkflowId, w.Version), w => Judge(w, [.. decisions[(w.WorkflowId, w.Version)]]));
    }

    /// <summary>
    /// The versions whose approval column and sealed decisions both say Approved, newest version first
    /// within each workflow: one query for the marked versions and one for their numbered decisions.
    /// </summary>
    public async Task<List<WorkflowVersionEntry>> ApprovedAsync(string? workflowId, CancellationToken ct)
    {
        var candidates = await db.WorkflowVersions.AsNoTracking()
            .Where(w => w.Approval == ApprovalState.Approved && (workflowId == null || w.WorkflowId == workflowId))
            .OrderBy(w => w.WorkflowId).ThenByDescending(w => w.Version).ToListAsync(ct);
        var statuses = await StatusesAsync(candidates, ct);
        return [.. candidates.Where(w => statuses[(w.WorkflowId, w.Version)].State == ApprovalState.Approved)];
    }

    /// <summary>What the numbered decisions say of the version; alerts on a seal that does not hold and on a disagreeing column.</summary>
    private ApprovalStatus Judge(WorkflowVersionEntry version, List<WorkflowReview> decisions)
    {
        var required = Required;
        decisions.Sort((a, b) => a.Seq!.Value.CompareTo(b.Seq!.Value));
        var holding = new List<WorkflowReview>();
        foreach (var decision in decisions)
        {
            var seal = seals.Check(decision, version.Hash);
            if (seal == SealState.Holds)
            {
                holding.Add(decision);
                continue;
            }

            logger.LogCritical("AUDIT ALERT: workflow {WorkflowId} version {Version}: ethics decision number {Seq} counts for nothing: it {Why}.",
                version.WorkflowId, version.Version, decision.Seq, seal == SealState.UnknownKey
                    ? "is sealed with a key this service does not hold (configure the earlier key-encryption certificate)"
                    : "was not recorded by this service: its seal does not hold");
        }

        // 21 CFR 11.70: an approval counts only for the exact version (hash) it was signed for; one per reviewer.
        var approvers = holding
            .Where(r => r.Decision == ApprovalState.Approved && (r.SignedHash is null || string.Equals(r.SignedHash, version.Hash, StringComparison.Ordinal)))
            .DistinctBy(r => r.ReviewerId).ToList();
        ApprovalStatus status;
        if (holding.Any(r => r.Decision == ApprovalState.Retired))
        {
            status = new ApprovalStatus(ApprovalState.Retired, approvers, required);
        }
        else if (decisions.Count > 0 && holding.LastOrDefault() != decisions[^1])
        {
            logger.LogCritical("AUDIT ALERT: workflow {WorkflowId} version {Version} is not approved: its latest ethics decision (number {Seq}) does not hold.",
                version.WorkflowId, version.Version, decisions[^1].Seq);
            return new ApprovalStatus(null, approvers, required);
        }
        else
        {
            status = new ApprovalStatus(approvers.Count >= required ? ApprovalState.Approved : ApprovalState.Pending, approvers, required);
        }

        if (version.Approval == ApprovalState.Approved && status.State != ApprovalState.Approved)
        {
            logger.LogCritical(
                "AUDIT ALERT: workflow {WorkflowId} version {Version} is marked Approved in workflow_versions, but its sealed ethics decisions say {State} ({Approvals} of {Required} approvals; Review:RequiredApprovals may have been raised since): it is not offered and no session starts on it.",
                version.WorkflowId, version.Version, status.State, status.Approvals, required);
        }

        return status;
    }
}
