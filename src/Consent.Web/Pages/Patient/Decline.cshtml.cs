using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>"I do not consent": a calm confirmation, an optional reason, then the session ends as declined.</summary>
[AllowAnonymous]
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class DeclineModel(ConsentDbContext db, SessionWriter writer, TimeProvider clock) : PatientPageModel(db, writer, clock)
{
    [BindProperty]
    public string? Reason { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "decline";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? idempotencyKey, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
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

        var write = await ApplyAsync(_ => new Decline(reason), new JsonObject { ["decline"] = reason }, idempotencyKey, ct);
        if (write is SessionWrite.Refused { Kind: RefusalKind.Invalid })
        {
            Error = T.SomethingWrong;
            return Page();
        }

        return Redirect(Home);
    }
}
