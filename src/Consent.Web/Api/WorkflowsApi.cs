using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.UseCases.Review;

namespace Consent.Web.Api;

/// <summary>Workflow versions: the approved list for staff, and review, approval and retirement for ethics reviewers (use cases in UseCases/Review).</summary>
public static class WorkflowsApi
{
    public static void MapWorkflowsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/workflows").WithTags("Workflows");
        group.MapGet("/", ListApprovedAsync).RequireAuthorization(Policies.Staff);
        group.MapGet("/versions", ListAllAsync).RequireAuthorization(Policies.EthicsReviewer);
        group.MapGet("/{id}/versions/{version:int}", ReviewAsync).RequireAuthorization(Policies.EthicsReviewer);
        group.MapPost("/{id}/versions/{version:int}/approve", (string id, int version, DecisionInput body, ClaimsPrincipal user, WorkflowReviews reviews, CancellationToken ct)
            => DecideAsync(id, version, ApprovalState.Approved, body, user, reviews, ct)).RequireAuthorization(Policies.EthicsReviewer);
        group.MapPost("/{id}/versions/{version:int}/retire", (string id, int version, DecisionInput body, ClaimsPrincipal user, WorkflowReviews reviews, CancellationToken ct)
            => DecideAsync(id, version, ApprovalState.Retired, body, user, reviews, ct)).RequireAuthorization(Policies.EthicsReviewer);
    }

    internal static async Task<IResult> ListApprovedAsync(WorkflowReviews reviews, CancellationToken ct) => TypedResults.Ok(await reviews.ListApprovedAsync(ct));

    internal static async Task<IResult> ListAllAsync(WorkflowReviews reviews, CancellationToken ct) => TypedResults.Ok(await reviews.ListAllAsync(ct));

    internal static async Task<IResult> ReviewAsync(string id, int version, WorkflowReviews reviews, CancellationToken ct) =>
        (await reviews.ReviewAsync(id, version, ct)).ToHttp();

    internal static async Task<IResult> DecideAsync(
        string id, int version, ApprovalState decision, DecisionInput body, ClaimsPrincipal user, WorkflowReviews reviews, CancellationToken ct) =>
        (await reviews.DecideAsync(id, version, decision, body, user, ct)).ToHttp();
}
