using Consent.Web.Identity;
using Consent.Web.UseCases.Review;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Review;

/// <summary>Every workflow version the service loaded, with its approval as its sealed decisions say and "k of n" approvals, for the ethics reviewer.</summary>
[Authorize(Policy = Policies.EthicsReviewer)]
public sealed class IndexModel(WorkflowReviews reviews) : PageModel
{
    public IReadOnlyList<VersionSummary> Versions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Versions = await reviews.ListAllAsync(ct);
}
