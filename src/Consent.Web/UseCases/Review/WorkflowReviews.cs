using Consent.Web.Identity;
using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Review;

/// <summary>Workflow versions: the approved list for staff; review, approval and retirement for ethics reviewers (pages and API).</summary>
public sealed class WorkflowReviews(ConsentDbContext db, WorkflowRegistry registry, WorkflowApprovals approvals, ReviewSeals seals, TimeProvider clock, SystemEvents.SystemAudit audit)
{
    public async Task<List<WorkflowSummary>> ListApprovedAsync(CancellationToken ct)
    {
        var approved = (await approvals.ApprovedAsync(null, ct)).OrderBy(w => w.WorkflowId, StringComparer.Ordinal).ThenBy(w => w.Version);
        return [.. approved
            .Select(w => registry.Find(w.WorkflowId, w.Version))
            .OfType<LoadedWorkflow>()
            .Select(w => new WorkflowSummary(w.Definition.Id, w.Definition.Version, w.Definition.Title.Texts, [.. w.Definition.Languages], w.Hash,
                WorkflowKindNames.Of(w.Definition.Kind), w.Definition.Requires))];
    }

    public Task<List<VersionSummary>> ListAllAsync(CancellationToken ct) =>
        db.WorkflowVersions.AsNoTracking().OrderBy(w => w.WorkflowId).ThenBy(w => w.Version)
            .Select(w => new VersionSummary(w.WorkflowId, w.Version, w.TitleEn, w.Languages, w.Hash, w.Approval.ToString(), w.SourcePath))
            .ToListAsync(ct);

    public async Task<Outcome<VersionReview>> ReviewAsync(string id, int version, CancellationToken ct)
    {
        var entry = await db.WorkflowVersions.AsNoTracking().Include(w => w.Reviews).SingleOrDefaultAsync(w => w.WorkflowId == id && w.Version == version, ct);
        var workflow = registry.Find(id, version);
        if (entry is null || workflow is null)
        {
            return Missing.WorkflowVersion;
        }

        var definition = workflow.Definition;
        var steps = definition.Steps.Select(step =>
        {
            var texts = definition.Languages.ToDictionary(lang => lang, lang => WorkflowTexts.Render(step, lang));
            // A check-in has few disclosures, if any: the reviewer also sees how its questions, holds and affirmation read.
            Func<string, string>? patientText = step switch
            {
                DisclosureStep disclosure => disclosure.Body.For,
                QuestionsStep or DiscussionStep or AffirmationStep when definition.IsCheckin => lang => WorkflowTexts.Render(step, lang),
                _ => null,
            };
            var levels = patientText is null ? null
                : definition.Languages.Select(lang => (lang, score: ReadingLevel.For(lang, patientText(lang))))
                    .Where(x => x.score is not null).ToDictionary(x => x.lang, x => x.score! with { Value = Math.Round(x.score!.Value, 1) });
            return new StepReview(step.Id, StepTypeNames.Of(step.Type), step.When?.Text, texts, levels);
        }).ToList();
        // The state and each decision as their seals say, not as the rows do: the third outside review
        // inserted a Retired decision, attributed to a real reviewer, that was listed as genuine while the
        // page still said Approved (what the sessions go by ignored it, with an AUDIT ALERT).
        var approval = await approvals.StateAsync(entry, ct) is { } sealedState ? sealedState.ToString() : ReviewDecision.Unverified;
        var previous = registry.Catalog.Workflows.Where(w => w.Definition.Id == id && w.Definition.Version < version).MaxBy(w => w.Definition.Version);
        return new VersionReview(
            id, version, workflow.Hash, workflow.SourcePath, approval, [.. definition.Languages], definition.Title.Texts,
            WorkflowDiagram.ToMermaid(definition), steps,
            [.. entry.Reviews.OrderBy(r => r.DecidedAt).Select(r => new ReviewDecision(
                r.Decision.ToString(), r.Comment, r.ReviewerId, r.DecidedAt, seals.Check(r, entry.Hash) == SealState.Holds))])
        {
            PreviousVersion = previous?.Definition.Version,
            Changes = previous is null ? [] : WorkflowVersions.VersionChanges.Between(previous.Definition, definition),
        };
    }

    /// <summary>Approves or retires a version, with the reviewer's comment; a retired version stays retired.</summary>
    public async Task<Outcome<VersionDecided>> DecideAsync(string id, int version, ApprovalState decision, string? comment, ClaimsPrincipal reviewer, CancellationToken ct)
    {
        var (clean, error) = TextInput.Clean(comment, "comment", 2000, multiline: true);
        if (error is not null)
        {
            return FieldErrors.One("comment", error);
        }

        var entry = await db.WorkflowVersions.SingleOrDefaultAsync(w => w.WorkflowId == id && w.Version == version, ct);
        if (entry is null)
        {
            return Missing.WorkflowVersion;
        }

        // What the sealed decisions say, not the column: a column set in the database neither blocks
        // nor stands in for a reviewer's decision (WorkflowApprovals).
        var current = await approvals.StateAsync(entry, ct) ?? ApprovalState.Pending;
        if (current == ApprovalState.Retired || current == decision)
        {
            return new Refusal(RefusedAs.Conflict, "Not possible now",
                current == ApprovalState.Retired ? "A retired version stays retired; publish a new version instead." : $"This version is already {current}.");
        }

        entry.Approval = decision;
        var review = new WorkflowReview
        {
            WorkflowId = id, Version = version, Decision = decision, Comment = clean!, ReviewerId = StaffAccess.UserId(reviewer)!.Value, DecidedAt = clock.GetUtcNow(),
        };
        var last = await db.WorkflowReviews.Where(r => r.WorkflowId == id && r.Version == version).MaxAsync(r => r.Seq, ct) ?? 0;
        seals.Seal(review, last + 1, entry.Hash);
        db.WorkflowReviews.Add(review);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another reviewer's decision on this version landed first with the same number.
            return new Refusal(RefusedAs.Conflict, "Not possible now", "Another decision on this version was just recorded; reload and look again.");
        }
        audit.Record(decision == ApprovalState.Retired ? SystemEvents.SystemEventTypes.WorkflowRetired : SystemEvents.SystemEventTypes.WorkflowApproved,
            new System.Text.Json.Nodes.JsonObject { ["workflowId"] = id, ["version"] = version, ["hash"] = entry.Hash, ["comment"] = clean }, by: reviewer);
        return new VersionDecided(id, version, decision.ToString());
    }
}
