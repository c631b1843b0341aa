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
/// form"), with a confirmation; the withdrawal is recorded by the patient and gets its own record.
/// </summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class WithdrawModel(PatientAccessService access, PatientActions actions, TimeProvider clock) : PatientPageModel(access, actions, clock)
{
    [BindProperty]
    public string? Reason { get; set; }

    public string? Error { get; private set; }

    private bool CanWithdraw => HasAccess && State.Status == SessionStatus.Completed;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !CanWithdraw)
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "withdraw";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? idempotencyKey, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !CanWithdraw)
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

        await Actions.WithdrawAsync(PatientWrite(idempotencyKey), reason, ct);
        return Redirect(Home);
    }
}
