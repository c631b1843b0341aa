using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Workflows;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Api;

/// <summary>Workflow versions: the approved list for staff, and review, approval and retirement for ethics reviewers.</summary>
public static class WorkflowsApi
{
    public static void MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows").WithTags("Workflows");
        group.MapGet("/", ListApprovedAsync).RequireAuthorization(Policies.Staff);
        group.MapGet("/versions", ListAllAsync).RequireAuthorization(Policies.EthicsReviewer);
        group.MapGet("/{id}/versions/{version:int}", ReviewAsync).RequireAuthorization(Policies.EthicsReviewer);
        group.MapPost("/{id}/versions/{version:int}/approve", (string id, int version, DecisionInput body, ClaimsPrincipal user, ConsentDbContext db, TimeProvider clock, CancellationToken ct)
            => DecideAsync(id, version, ApprovalState.Approved, body, user, db, clock, ct)).RequireAuthorization(Policies.EthicsReviewer);
        group.MapPost("/{id}/versions/{version:int}/retire", (string id, int version, DecisionInput body, ClaimsPrincipal user, ConsentDbContext db, TimeProvider clock, CancellationToken ct)
            => DecideAsync(id, version, ApprovalState.Retired, body, user, db, clock, ct)).RequireAuthorization(Policies.EthicsReviewer);
    }

    /// <summary>An approved version, as clinicians choose from.</summary>
    public sealed record WorkflowSummary(string Id, int Version, IReadOnlyDictionary<string, string> Title, IReadOnlyList<string> Languages, string Hash);

    /// <summary>A version with its approval state, for reviewers.</summary>
    public sealed record VersionSummary(string Id, int Version, string Title, IReadOnlyList<string> Languages, string Hash, string Approval, string SourcePath);

    /// <summary>The reviewer's comment on an approval or retirement.</summary>
    public sealed record DecisionInput(string? Comment);

    /// <summary>Everything a reviewer needs: texts per language, diagram, reading levels, past decisions.</summary>
    public sealed record VersionReview(
        string Id, int Version, string Hash, string SourcePath, string Approval, IReadOnlyList<string> Languages,
        IReadOnlyDictionary<string, string> Title, string Diagram, IReadOnlyList<StepReview> Steps, IReadOnlyList<ReviewDecision> Decisions);

    /// <summary>One step's texts per language, with reading levels for disclosures.</summary>
    public sealed record StepReview(string Id, string Type, string? When, IReadOnlyDictionary<string, string> Texts, IReadOnlyDictionary<string, ReadingScore>? ReadingLevel);

    /// <summary>A past approval or retirement.</summary>
    public sealed record ReviewDecision(string Decision, string Comment, Guid ReviewerId, DateTimeOffset DecidedAt);

    internal static async Task<IResult> ListApprovedAsync(ConsentDbContext db, WorkflowRegistry registry, CancellationToken ct)
    {
        var approved = await db.WorkflowVersions.AsNoTracking().Where(w => w.Approval == ApprovalState.Approved)
            .OrderBy(w => w.WorkflowId).ThenBy(w => w.Version).ToListAsync(ct);
        return TypedResults.Ok(approved
            .Select(w => registry.Find(w.WorkflowId, w.Version))
            .OfType<LoadedWorkflow>()
            .Select(w => new WorkflowSummary(w.Definition.Id, w.Definition.Version, w.Definition.Title.Texts, [.. w.Definition.Languages], w.Hash))
            .ToList());
    }

    internal static async Task<IResult> ListAllAsync(ConsentDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.WorkflowVersions.AsNoTracking().OrderBy(w => w.WorkflowId).ThenBy(w => w.Version)
            .Select(w => new VersionSummary(w.WorkflowId, w.Version, w.TitleEn, w.Languages, w.Hash, w.Approval.ToString(), w.SourcePath))
            .ToListAsync(ct));

    internal static async Task<IResult> ReviewAsync(string id, int version, ConsentDbContext db, WorkflowRegistry registry, CancellationToken ct)
    {
        var entry = await db.WorkflowVersions.AsNoTracking().Include(w => w.Reviews).SingleOrDefaultAsync(w => w.WorkflowId == id && w.Version == version, ct);
        var workflow = registry.Find(id, version);
        if (entry is null || workflow is null)
        {
            return TypedResults.Problem(title: "Not found", detail: "No such workflow version.", statusCode: StatusCodes.Status404NotFound);
        }

        var definition = workflow.Definition;
        var steps = definition.Steps.Select(step =>
        {
            var texts = definition.Languages.ToDictionary(lang => lang, lang => WorkflowTexts.Render(step, lang));
            var levels = step is DisclosureStep disclosure
                ? definition.Languages.Select(lang => (lang, score: ReadingLevel.For(lang, disclosure.Body.For(lang))))
                    .Where(x => x.score is not null).ToDictionary(x => x.lang, x => x.score! with { Value = Math.Round(x.score!.Value, 1) })
                : null;
            return new StepReview(step.Id, StepTypeNames.Of(step.Type), step.When?.Text, texts, levels);
        }).ToList();
        return TypedResults.Ok(new VersionReview(
            id, version, workflow.Hash, workflow.SourcePath, entry.Approval.ToString(), [.. definition.Languages], definition.Title.Texts,
            WorkflowDiagram.ToMermaid(definition), steps,
            [.. entry.Reviews.OrderBy(r => r.DecidedAt).Select(r => new ReviewDecision(r.Decision.ToString(), r.Comment, r.ReviewerId, r.DecidedAt))]));
    }

    internal static async Task<IResult> DecideAsync(
        string id, int version, ApprovalState decision, DecisionInput body, ClaimsPrincipal user, ConsentDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var (comment, error) = TextInput.Clean(body.Comment, "comment", 2000, multiline: true);
        if (error is not null)
        {
            return SessionResults.Invalid("comment", error);
        }

        var entry = await db.WorkflowVersions.SingleOrDefaultAsync(w => w.WorkflowId == id && w.Version == version, ct);
        if (entry is null)
        {
            return TypedResults.Problem(title: "Not found", detail: "No such workflow version.", statusCode: StatusCodes.Status404NotFound);
        }

        if (entry.Approval == ApprovalState.Retired || entry.Approval == decision)
        {
            return TypedResults.Problem(title: "Not possible now",
                detail: entry.Approval == ApprovalState.Retired ? "A retired version stays retired; publish a new version instead." : $"This version is already {entry.Approval}.",
                statusCode: StatusCodes.Status409Conflict);
        }

        entry.Approval = decision;
        db.WorkflowReviews.Add(new WorkflowReview
        {
            WorkflowId = id, Version = version, Decision = decision, Comment = comment!, ReviewerId = StaffAccess.UserId(user)!.Value, DecidedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new { id, version, approval = decision.ToString() });
    }
}
