using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases.PatientRecords;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Clinician;

/// <summary>The clinician's sessions with live status: the page polls a small JSON handler; without script, a refresh link.</summary>
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.SessionListPage, SystemEvents.ReadSubject.Many)]
[Authorize(Policy = Policies.Clinician)]
public sealed class IndexModel(
    ConsentDbContext db, SessionWriter writer, StaffSessions staffSessions, WorkflowRegistry workflows, StaffNotes notes, ClinicTime times,
    ConsentRenewals renewals) : PageModel
{
    /// <summary>Renewals of this clinician's consents "Needs you" lists at most; the rest are on the "Consents to renew" page.</summary>
    public const int MostRenewals = 20;

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    /// <summary>This clinician's consents that are expiring or due for re-consent, with no re-consent under way yet.</summary>
    public IReadOnlyList<RenewalView> Renewals { get; private set; } = [];

    /// <summary>All of this clinician's open renewals, those under way included.</summary>
    public int RenewalsTotal { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Rows = await LoadAsync(ct);
        var mine = await renewals.ListAsync(StaffAccess.UserId(User) ?? Guid.Empty, MostRenewals, ct);
        RenewalsTotal = mine.Total;
        Renewals = [.. mine.Renewals.Where(r => r.OpenSessionId is null)];
    }

    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct) =>
        SystemEvents.PatientDataReads.StatusPoll(HttpContext, new JsonResult((await LoadAsync(ct)).Select(r => new
        {
            id = r.Id,
            patient = r.Patient,
            status = r.Status,
            statusLabel = StaffLabels.Status(r.Status),
            progress = r.ProgressText,
            attention = r.Attention,
            updated = times.Show(r.UpdatedAt),
        })));

    private async Task<IReadOnlyList<Row>> LoadAsync(CancellationToken ct)
    {
        var me = StaffAccess.UserId(User);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.CreatedBy == me)
            .OrderByDescending(s => s.UpdatedAt).Take(50).ToListAsync(ct);
        // The row's creator has no seal: a session is listed only when its first event names this clinician too.
        var mine = me is { } clinician ? await staffSessions.StartedByAsync([.. sessions.Select(s => s.Id)], clinician, ct) : [];
        var rows = new List<Row>(sessions.Count);
        foreach (var s in sessions.Where(s => mine.Contains(s.Id)))
        {
            var workflow = workflows.Find(s.WorkflowId, s.WorkflowVersion);
            var title = workflow?.Definition.Title.For(StaffNotes.Language) ?? s.WorkflowId;
            var state = workflow is null ? null : await writer.StateAsync(workflow, s, ct);
            IReadOnlyList<string> attention = state is null ? [] : NeedsYou.For(state, notes, workflow!.Definition);
            rows.Add(new Row(s.Id, s.PatientName, s.PatientMrn, $"{title} (v{s.WorkflowVersion})", s.Language, state?.Status.ToString() ?? s.Status,
                state is null ? "" : $"{state.Progress.Index} of {state.Progress.Total}", string.Join(", ", attention), s.UpdatedAt));
        }

        return rows;
    }

    /// <summary>One session in the list.</summary>
    public sealed record Row(Guid Id, string Patient, string? Mrn, string Workflow, string Language, string Status, string ProgressText, string Attention, DateTimeOffset UpdatedAt);
}
