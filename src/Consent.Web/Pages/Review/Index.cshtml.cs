using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Review;

/// <summary>Every workflow version the service loaded, with its approval state, for the ethics reviewer.</summary>
[Authorize(Policy = Policies.EthicsReviewer)]
public sealed class IndexModel(ConsentDbContext db) : PageModel
{
    public IReadOnlyList<WorkflowVersionEntry> Versions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Versions = await db.WorkflowVersions.AsNoTracking().OrderBy(w => w.WorkflowId).ThenBy(w => w.Version).ToListAsync(ct);
}
