using System.Text.Json.Nodes;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>"I do not consent": a calm confirmation, an optional reason, then the session ends as declined.</summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class DeclineModel(PatientAccessService access, PatientActions actions, TimeProvider clock) : PatientPageModel(access, actions, clock)
{
    [BindProperty]
    public string? Reason { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // A check-in has nothing to decline (the patient answers "I do not agree today" instead): its link goes home.
        if (!await LoadAsync(ct) || MustGoHome || IsCheckin)
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "decline";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? idempotencyKey, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome || IsCheckin)
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "decline";
        var (reason, error) = TextInput.Clean(Reason, "reason", 1000, required: false, multiline: true);
        if (error is not null)
        {
            Error = TextInput.HasHiddenCharacters(Reason, multiline: true) ? T.TextNotAllowed : T.SomethingWrong;
            return Page();
        }

        if (IsInvalid(await Actions.DeclineAsync(PatientWrite(idempotencyKey), reason, ct)))
        {
            Error = T.SomethingWrong;
            return Page();
        }

        return Redirect(Home);
    }
}
