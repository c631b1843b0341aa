using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Consent.Web.UseCases.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// "Check-ins today": the patients whose consent to a treatment with a dose-day check-in is in force, with today's
/// check-in (held ones first) or a button to start it (<see cref="TodaysCheckins"/>, <see cref="PatientCheckins"/>).
/// </summary>
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.CheckinsPage, SystemEvents.ReadSubject.Many)]
[Authorize(Policy = Policies.Clinician)]
public sealed class CheckinsModel(TodaysCheckins today, PatientCheckins checkins) : StaffPageModel
{
    /// <summary>Patients the list considers at most (the most recently consented first).</summary>
    public const int MostPatients = 300;

    public TodaysCheckinList List { get; private set; } = new(default, 0, []);

    public async Task OnGetAsync(CancellationToken ct) => List = await today.ListAsync(StaffAccess.UserId(User), MostPatients, ct);

    /// <summary>Starts today's check-in for one patient; its page shows the link once.</summary>
    public async Task<IActionResult> OnPostStartAsync(Guid patientId, string? workflowId, CancellationToken ct)
    {
        if (Succeeded(await checkins.StartAsync(patientId, new StartCheckinInput(workflowId), Caller.From(HttpContext), ct), out var started))
        {
            TempData[SessionModel.NewLinkKey(started.Id)] = started.PatientUrl;
            TempData[nameof(SessionModel.Notice)] = "Today's check-in was started. Give the patient the link, or open it on a clinic tablet below.";
            return Redirect($"/clinician/sessions/{started.Id}");
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        List = await today.ListAsync(StaffAccess.UserId(User), MostPatients, ct);
        return Page();
    }
}
