using Consent.Web.Identity;
using Consent.Web.Mail;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>
/// "Save and finish later", linked from every patient page while the form is open: says that everything
/// so far is kept and until when the link works, offers a reminder by email (to the address the clinic
/// has), and leaves: the ticket cookie is removed so no one else on a shared device can go on.
/// </summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class LaterModel(PatientAccessService access, PatientActions actions, TimeProvider clock, SaveForLater later, PatientMail mail, IHostEnvironment environment)
    : PatientPageModel(access, actions, clock)
{
    /// <summary>The reminder chosen: none, tomorrow or three-days.</summary>
    [BindProperty]
    public string? Remind { get; set; }

    public string? Error { get; private set; }

    /// <summary>True once the patient has left: the page then says so and links back to the form.</summary>
    public bool Left { get; private set; }

    /// <summary>When the reminder will be sent, if one was asked for.</summary>
    public DateTimeOffset? RemindAt { get; private set; }

    /// <summary>The reminders offered (none without an email address on file, or when the link runs out too soon).</summary>
    public IReadOnlyList<string> Offered { get; private set; } = [];

    public string MaskedEmail => SaveForLater.Masked(Session.PatientEmail ?? "");

    /// <summary>A date as the patient reads it, in the clinic's time zone.</summary>
    public string Date(DateTimeOffset at) => mail.LongDate(at, Lang);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadOpenAsync(ct) ? Page() : Redirect(Home);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadOpenAsync(ct))
        {
            return Redirect(Home);
        }

        if (IsPreview)
        {
            Left = true;
            return Page();
        }

        switch (await later.SaveAsync(Session, Token, Remind, ct))
        {
            case Outcome<DateTimeOffset?>.Ok { Value: var at }:
                RemindAt = at;
                break;
            default:
                Error = T.LaterChooseReminder;
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
        }

        // Leaving closes the form on this device: the ticket cookie goes (the link and a date of birth open it again).
        PatientTicketCookie.Remove(HttpContext, environment);
        Left = true;
        return Page();
    }

    /// <summary>Loads the session; false when this browser may not use it now, or there is nothing left for the patient to do.</summary>
    private async Task<bool> LoadOpenAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome || State.Status is not (SessionStatus.Invited or SessionStatus.InProgress))
        {
            return false;
        }

        ViewData["Later"] = null;
        ViewData["Return"] = "later";
        Offered = later.Offered(Session);
        return true;
    }
}
