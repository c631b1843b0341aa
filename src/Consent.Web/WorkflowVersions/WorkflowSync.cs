using Consent.Web.Data;
using Consent.Web.Hosting;
using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.WorkflowVersions;

/// <summary>
/// Records every loaded workflow version in the database at start-up and refuses to start when a
/// published version's file no longer hashes as it did: a change of wording is a new version.
/// </summary>
public static class WorkflowSync
{
    public static async Task SyncAsync(
        ConsentDbContext db, WorkflowRegistry registry, ReviewSeals seals, TimeProvider clock, bool approveNewVersions, CancellationToken ct = default)
    {
        var stored = await db.WorkflowVersions.ToDictionaryAsync(w => (w.WorkflowId, w.Version), ct);
        var changed = new List<string>();
        foreach (var workflow in registry.Catalog.Workflows)
        {
            var definition = workflow.Definition;
            if (stored.TryGetValue((definition.Id, definition.Version), out var existing))
            {
                if (!string.Equals(existing.Hash, workflow.Hash, StringComparison.Ordinal))
                {
                    changed.Add($"{workflow.SourcePath} (stored hash {existing.Hash[..12]}…, file now {workflow.Hash[..12]}…)");
                }

                continue;
            }

            var entry = new WorkflowVersionEntry
            {
                WorkflowId = definition.Id,
                Version = definition.Version,
                Hash = workflow.Hash,
                SourcePath = workflow.SourcePath,
                TitleEn = definition.Title.For("en"),
                Languages = [.. definition.Languages],
                Approval = ApprovalState.Pending,
                FirstLoadedAt = clock.GetUtcNow(),
            };
            db.WorkflowVersions.Add(entry);
            if (approveNewVersions)
            {
                entry.Approval = ApprovalState.Approved;
                var review = new WorkflowReview
                {
                    WorkflowId = definition.Id,
                    Version = definition.Version,
                    Decision = ApprovalState.Approved,
                    Comment = "Approved automatically in the development seed data.",
                    ReviewerId = Guid.Empty,
                    DecidedAt = clock.GetUtcNow(),
                    SignerName = ReviewSignatures.DevelopmentSeedName,
                    Meaning = SignatureMeanings.Approved,
                    SignedHash = workflow.Hash,
                };
                seals.Seal(review, 1, workflow.Hash);
                entry.Reviews.Add(review);
            }
        }

        if (changed.Count > 0)
        {
            throw new StartupProblemException(
                "A published workflow file was changed without a new version. Restore the file, or copy it to a new "
                + "version (v<N+1>.yaml) and change that one:\n  " + string.Join("\n  ", changed));
        }

        await db.SaveChangesAsync(ct);
    }
}
