using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases.Sessions;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Audit;

/// <summary>
/// Search sessions by date, workflow, status, MRN (any case) and patient name (any case or accents,
/// every word typed; <see cref="PatientNameSearch"/>), with the same query as <c>GET /api/v1/sessions</c>.
/// The search is posted, not put in the address: an MRN or a name is patient data and must not end up in URLs or logs.
/// </summary>
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.SessionListPage, SystemEvents.ReadSubject.Many)]
[Authorize(Policy = Policies.Auditor)]
public sealed class IndexModel(ConsentDbContext db, SessionReads reads) : PageModel
{
    [BindProperty]
    public SearchInput Search { get; set; } = new();

    public IReadOnlyList<string> WorkflowIds { get; private set; } = [];

    public IReadOnlyList<SessionSummary>? Results { get; private set; }

    public static IReadOnlyList<string> Statuses => Enum.GetNames<SessionStatus>();

    public async Task OnGetAsync(CancellationToken ct) => await LoadChoicesAsync(ct);

    /// <summary>A problem with the days picked, shown on the page (the search is not run).</summary>
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        var (days, problem) = PickedDays.Read(Search.From, Search.To);
        if (problem is not null)
        {
            Problem = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Results = await reads.ListAsync(new SessionFilter(days.Start, days.End, Blank(Search.WorkflowId),
            Blank(Search.Status), Blank(Search.Mrn?.Trim()), 200, MrnIgnoringCase: true, PatientName: Blank(Search.Name),
            Kind: SessionReads.Kinds.Contains(Search.Kind ?? "") ? Search.Kind : null), User, ct);
        return Page();
    }

    private async Task LoadChoicesAsync(CancellationToken ct) =>
        WorkflowIds = await db.WorkflowVersions.AsNoTracking().Select(w => w.WorkflowId).Distinct().OrderBy(w => w).ToListAsync(ct);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>The search form; every field is optional.</summary>
    public sealed class SearchInput
    {
        public string? From { get; set; }

        public string? To { get; set; }

        public string? WorkflowId { get; set; }

        public string? Status { get; set; }

        public string? Mrn { get; set; }

        public string? Name { get; set; }

        /// <summary>Consents (<c>consent</c>), dose-day check-ins (<c>checkin</c>), or both (empty).</summary>
        public string? Kind { get; set; }
    }
}
