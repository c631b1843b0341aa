using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Audit;

/// <summary>Starts a ZIP export of signed records (PDFs and a manifest with SHA-256), streamed by <c>GET /api/v1/exports/records.zip</c>.</summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class ExportModel(ConsentDbContext db) : PageModel
{
    public IReadOnlyList<string> WorkflowIds { get; private set; } = [];

    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>
    /// Turns the dates people pick (both days included) into the endpoint's half-open UTC range and
    /// leaves out what was not chosen, then hands over to the streaming endpoint.
    /// </summary>
    public async Task<IActionResult> OnGetDownloadAsync(string? from, string? to, string? workflowId, CancellationToken ct)
    {
        (var days, Problem) = PickedDays.Read(from, to);
        if (Problem is not null)
        {
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var query = new List<string>();
        if (days.Start is { } start)
        {
            query.Add("from=" + Uri.EscapeDataString(PickedDays.Query(start)));
        }

        if (days.End is { } end)
        {
            query.Add("to=" + Uri.EscapeDataString(PickedDays.Query(end)));
        }

        if (!string.IsNullOrWhiteSpace(workflowId))
        {
            query.Add("workflowId=" + Uri.EscapeDataString(workflowId.Trim()));
        }

        return Redirect("/api/v1/exports/records.zip" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
    }

    private async Task LoadAsync(CancellationToken ct) =>
        WorkflowIds = await db.WorkflowVersions.AsNoTracking().Select(w => w.WorkflowId).Distinct().OrderBy(w => w).ToListAsync(ct);
}
