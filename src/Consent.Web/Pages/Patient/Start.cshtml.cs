using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Patient;

/// <summary>
/// The link's front page: language choice and the date-of-birth check, or how the session ended
/// (completed, declined, referred, expired, voided, withdrawn) and what to do next.
/// </summary>
[EnableRateLimiting(PageRateLimits.DateOfBirth)]
public sealed class StartModel(
    PatientAccessService access, PatientActions actions, CheckinWithdrawals checkins, TimeProvider clock, IHostEnvironment environment)
    : PatientPageModel(access, actions, clock)
{
    /// <summary>What the front page shows.</summary>
    public enum View
    {
        NotValid,
        Welcome,
        Locked,
        Expired,
        Ended,
    }

    public View Showing { get; private set; }

    [BindProperty]
    public string? Day { get; set; }

    [BindProperty]
    public string? Month { get; set; }

    [BindProperty]
    public string? Year { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotValid();
        }

        Decide();
        if (Showing == View.Ended && HasAccess && IsCheckin && !IsPreview)
        {
            CheckinConsent = await checkins.ConsentAsync(Session, Workflow.Definition, ct);
        }

        return Showing == View.Welcome && HasAccess && !HasEnded ? Redirect($"{Home}/step") : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotValid();
        }

        Decide();
        if (Showing != View.Welcome)
        {
            return Page();
        }

        if (!TryReadDate(out var dob))
        {
            Error = T.DobInvalid;
            return Page();
        }

        if (await Access.VerifyAsync(Session.Id, dob, Caller.From(HttpContext).As(Actor.Patient), ct, IsPreview) is not Outcome<DateOfBirthCheck>.Ok { Value: var check }
            || check.Locked)
        {
            return Redirect(Home);
        }

        if (IsPreview && check.State.Identity.Verified)
        {
            return Redirect($"{Home}/step");
        }

        if (check.Ticket is not { } ticket)
        {
            Error = T.Format(T.DobWrong, check.AttemptsLeft);
            return Page();
        }

        PatientTicketCookie.Append(HttpContext, ticket, environment);
        return Redirect(HasEnded ? Home : $"{Home}/step");
    }

    /// <summary>The session ended in a way the patient may come back to read (and download a copy of).</summary>
    public bool HasEnded => State.Status is SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Referred or SessionStatus.Withdrawn
        or SessionStatus.Cleared or SessionStatus.Held or SessionStatus.NotToday;

    private PageResult NotValid()
    {
        Showing = View.NotValid;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <remarks>
    /// How a session ended is the patient's own business (a referral message names the condition that
    /// led to it), so it is shown only to a browser holding the patient's ticket; anyone else who has
    /// the link gets the date-of-birth check first. A voided session says only that it is void.
    /// </remarks>
    private void Decide() => Showing =
        State.Status == SessionStatus.Expired || IsPastExpiry ? View.Expired
        : State.Status == SessionStatus.Voided ? View.Ended
        : State.Identity.Locked ? View.Locked
        : HasEnded && HasAccess ? View.Ended
        : View.Welcome;

    /// <remarks>Three plain number fields work on every phone; a date picker does not on old ones.</remarks>
    private bool TryReadDate(out DateOnly date)
    {
        date = default;
        return int.TryParse(Day?.Trim(), out var d) && int.TryParse(Month?.Trim(), out var m) && int.TryParse(Year?.Trim(), out var y)
            && y is >= 1900 and <= 2100 && m is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(y, m)
            && (date = new DateOnly(y, m, d)) != default;
    }
}
