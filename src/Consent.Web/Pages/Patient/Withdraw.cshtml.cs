using System.Text.Json.Nodes;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>
/// The patient withdraws a completed consent from their own link ("use the link in your copy of this
/// form"), with a confirmation; the withdrawal is recorded by the patient and gets its own record. On a
/// dose-day check-in's link the same page withdraws the consent the check-in relies on
/// (<see cref="CheckinWithdrawals"/>), whatever state the check-in is in.
/// </summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class WithdrawModel(PatientAccessService access, PatientActions actions, CheckinWithdrawals checkins, TimeProvider clock)
    : PatientPageModel(access, actions, clock)
{
    [BindProperty]
    public string? Reason { get; set; }

    public string? Error { get; private set; }

    /// <summary>A consent of its own that is completed, or a check-in (not a reviewer's preview) whose consent is still in force.</summary>
    private async Task<bool> CanWithdrawAsync(CancellationToken ct) =>
        HasAccess && (IsCheckin
            ? !IsPreview && State.Status is not (SessionStatus.Voided or SessionStatus.Expired)
                && await checkins.ConsentInForceAsync(Session, Workflow.Definition, ct) is not null
            : State.Status == SessionStatus.Completed);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !await CanWithdrawAsync(ct))
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "withdraw";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? idempotencyKey, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !await CanWithdrawAsync(ct))
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "withdraw";
        var (reason, error) = TextInput.Clean(Reason, "reason", 1000, required: false, multiline: true);
        if (error is not null)
        {
            Error = TextInput.HasHiddenCharacters(Reason, multiline: true) ? T.TextNotAllowed : T.SomethingWrong;
            return Page();
        }

        if (IsCheckin)
        {
            await checkins.WithdrawAsync(PatientWrite(idempotencyKey), Session, Workflow.Definition, reason, ct);
        }
        else
        {
            await Actions.WithdrawAsync(PatientWrite(idempotencyKey), reason, ct);
        }

        return Redirect(Home);
    }
}
