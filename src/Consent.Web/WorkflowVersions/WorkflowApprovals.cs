using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.WorkflowVersions;

/// <summary>
/// A workflow version's approval as its sealed ethics decisions say (<see cref="ReviewSeals"/>):
/// the one gate a session start, the approved list and a reviewer's next decision go through.
/// </summary>
/// <remarks>
/// A version whose approval column says Approved while its latest sealed decision does not (or
/// whose latest numbered decision's seal does not hold) is not approved, and the log raises an
/// <c>AUDIT ALERT</c> naming it: the database was changed outside the service.
/// </remarks>
public sealed class WorkflowApprovals(ConsentDbContext db, ReviewSeals seals, ILogger<WorkflowApprovals> logger)
{
    /// <summary>The version's approval by its latest sealed decision: Pending when it has none; null when the latest numbered one does not hold.</summary>
    public async Task<ApprovalState?> StateAsync(WorkflowVersionEntry version, CancellationToken ct) =>
        Judge(version, await db.WorkflowReviews.AsNoTracking()
            .Where(r => r.WorkflowId == version.WorkflowId && r.Version == version.Version && r.Seq != null)
            .OrderByDescending(r => r.Seq).FirstOrDefaultAsync(ct));

    /// <summary>
    /// The versions whose approval column and sealed decisions both say Approved, newest version first
    /// within each workflow: one query for the marked versions and one for their numbered decisions.
    /// </summary>
    public async Task<List<WorkflowVersionEntry>> ApprovedAsync(string? workflowId, CancellationToken ct)
    {
        var candidates = await db.WorkflowVersions.AsNoTracking()
            .Where(w => w.Approval == ApprovalState.Approved && (workflowId == null || w.WorkflowId == workflowId))
            .OrderBy(w => w.WorkflowId).ThenByDescending(w => w.Version).ToListAsync(ct);
        var ids = candidates.Select(w => w.WorkflowId).Distinct().ToList();
        var latest = (await db.WorkflowReviews.AsNoTracking().Where(r => ids.Contains(r.WorkflowId) && r.Seq != null).ToListAsync(ct))
            .GroupBy(r => (r.WorkflowId, r.Version))
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.Seq));
        return [.. candidates.Where(w => Judge(w, latest.GetValueOrDefault((w.WorkflowId, w.Version))) == ApprovalState.Approved)];
    }

    /// <summary>What the latest numbered decision says of the version, or null when its seal does not hold; alerts on a disagreement.</summary>
    private ApprovalState? Judge(WorkflowVersionEntry version, WorkflowReview? latest)
    {
        if (latest is null)
        {
            Alert(version, ApprovalState.Pending, "it has no sealed ethics decision");
            return ApprovalState.Pending;
        }

        var seal = seals.Check(latest, version.Hash);
        if (seal != SealState.Holds)
        {
            logger.LogCritical("AUDIT ALERT: workflow {WorkflowId} version {Version} is not approved: its latest ethics decision (number {Seq}) {Why}.",
                version.WorkflowId, version.Version, latest.Seq, seal == SealState.UnknownKey
                    ? "is sealed with a key this service does not hold (configure the earlier key-encryption certificate)"
                    : "was not recorded by this service: its seal does not hold");
            return null;
        }

        Alert(version, latest.Decision, $"its latest sealed ethics decision is {latest.Decision}");
        return latest.Decision;
    }

    /// <summary>Logs a version whose approval column disagrees with its sealed decisions (only Approved in the column matters: it is what lists and starts use).</summary>
    private void Alert(WorkflowVersionEntry version, ApprovalState sealedState, string why)
    {
        if (version.Approval == ApprovalState.Approved && sealedState != ApprovalState.Approved)
        {
            logger.LogCritical("AUDIT ALERT: workflow {WorkflowId} version {Version} is marked Approved in workflow_versions, but {Why}: it is not offered and no session starts on it.",
                version.WorkflowId, version.Version, why);
        }
    }
}
