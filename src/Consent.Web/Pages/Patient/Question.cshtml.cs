using System.Text.Json.Nodes;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>"I have a question", from any step: send a question to the clinician and see the answers so far.</summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class QuestionModel(PatientAccessService access, PatientActions actions, TimeProvider clock) : PatientPageModel(access, actions, clock)
{
    [BindProperty]
    public string? Question { get; set; }

    public string? Error { get; private set; }

    public bool Sent { get; private set; }

    /// <summary>Questions can be sent while the session is in progress (the interpreter's rule).</summary>
    public bool CanAsk => State.Status == SessionStatus.InProgress;

    public async Task<IActionResult> OnGetAsync(bool sent, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        Sent = sent;
        ViewData["Return"] = "question";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? idempotencyKey, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        ViewData["Return"] = "question";
        var (question, error) = TextInput.Clean(Question, "question", 2000, multiline: true);
        if (error is not null)
        {
            Error = TextInput.HasHiddenCharacters(Question, multiline: true) ? T.TextNotAllowed : T.QuestionEmpty;
            return Page();
        }

        if (IsInvalid(await Actions.AskAsync(PatientWrite(idempotencyKey), question, ct)))
        {
            Error = T.SomethingWrong;
            return Page();
        }

        return Redirect($"{Home}/question?sent=true");
    }
}
