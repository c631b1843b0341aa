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
        var (first, firstOk) = Day(from);
        var (last, lastOk) = Day(to);
        Problem = !firstOk ? "The first day is not a date."
            : !lastOk ? "The last day is not a date."
            : first is { } a && last is { } b && b < a ? "The last day must not be before the first day."
            : null;
        if (Problem is not null)
        {
            await LoadAsync(ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var query = new List<string>();
        if (first is { } start)
        {
            query.Add("from=" + Uri.EscapeDataString(Midnight(start)));
        }

        if (last is { } end)
        {
            query.Add("to=" + Uri.EscapeDataString(Midnight(end.AddDays(1))));
        }

        if (!string.IsNullOrWhiteSpace(workflowId))
        {
            query.Add("workflowId=" + Uri.EscapeDataString(workflowId.Trim()));
        }

        return Redirect("/api/v1/exports/records.zip" + (query.Count > 0 ? "?" + string.Join('&', query) : ""));
    }

    private async Task LoadAsync(CancellationToken ct) =>
        WorkflowIds = await db.WorkflowVersions.AsNoTracking().Select(w => w.WorkflowId).Distinct().OrderBy(w => w).ToListAsync(ct);

    /// <summary>The day picked (yyyy-MM-dd, as a date input sends it); nothing picked is fine, anything else is not a day.</summary>
    private static (DateOnly? Day, bool Ok) Day(string? value) =>
        string.IsNullOrWhiteSpace(value) ? (null, true)
        : DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? (day, true)
        : (null, false);

    /// <summary>
    /// The day's first instant in UTC, ISO 8601. A DateOnly refuses a format with time fields in it
    /// (the ':' separators), which made every dated export a 500; the date part is formatted alone.
    /// </summary>
    private static string Midnight(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00Z";
}
