using System.Net.Http.Json;
using Consent.Web.Identity;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Ethics decisions as the API takes them: signatures, executed with the reviewer's password (21 CFR 11.200(a)).
/// Outside Development two distinct reviewers must approve a version (<c>Review:RequiredApprovals</c>).
/// </summary>
public static class ReviewerApprovals
{
    public static Task<HttpResponseMessage> ApproveAsync(HttpClient reviewer, string workflowId, int version, string password, string comment = "Reviewed.") =>
        reviewer.PostAsJsonAsync($"/api/v1/workflows/{workflowId}/versions/{version}/approve", new { comment, password });

    public static Task<HttpResponseMessage> RetireAsync(HttpClient reviewer, string workflowId, int version, string password, string comment = "Superseded.") =>
        reviewer.PostAsJsonAsync($"/api/v1/workflows/{workflowId}/versions/{version}/retire", new { comment, password });

    /// <summary>A second reviewer account of its own (<paramref name="email"/>) approves the version too, as Production needs.</summary>
    public static async Task SecondApprovalAsync(ProductionFactory factory, string workflowId, int version, string email)
    {
        await factory.CreateStaffAsync(email, StaffRoles.EthicsReviewer);
        using var second = await StaffAccounts.ClientAsync(factory, email, ProductionFactory.Password);
        (await ApproveAsync(second, workflowId, version, ProductionFactory.Password, "Second reviewer: reviewed.")).EnsureSuccessStatusCode();
    }
}
