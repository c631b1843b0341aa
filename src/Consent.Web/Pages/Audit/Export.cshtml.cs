using Consent.Web.Data;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Audit;

/// <summary>Starts a ZIP export of signed records (PDFs and a manifest with SHA-256), streamed by the export endpoint.</summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class ExportModel(ConsentDbContext db) : PageModel
{
    public IReadOnlyList<string> WorkflowIds { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        WorkflowIds = await db.WorkflowVersions.AsNoTracking().Select(w => w.WorkflowId).Distinct().OrderBy(w => w).ToListAsync(ct);
}
