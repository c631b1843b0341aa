using System.Globalization;
using Consent.Web.Data;
using Consent.Web.Identity;
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
        var query = new List<string>();
        if (Day(from) is { } start)
        {
            query.Add("from=" + Uri.EscapeDataString(start.ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)));
        }

        if (Day(to) is { } end)
        {
            query.Add("to=" + Uri.EscapeDataString(end.AddDays(1).ToString("yyyy-MM-dd'T'00:00:00'Z'", CultureInfo.InvariantCulture)));
        }

        if (Day(from) is { } a && Day(to) is { } b && b < a)
        {
            Problem = "The last day must not be before the first day.";
            await LoadAsync(ct);
            return Page();
        }

        if (!string.IsNullOrWhiteSpace(workflowId))
        {
            query.Add("workflowId=" + Uri.EscapeDataString(workflowId.Trim()));
        }

        return Redirect("/api/v1/exports/records.zip" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
    }

    private async Task LoadAsync(CancellationToken ct) =>
        WorkflowIds = await db.WorkflowVersions.AsNoTracking().Select(w => w.WorkflowId).Distinct().OrderBy(w => w).ToListAsync(ct);

    private static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
