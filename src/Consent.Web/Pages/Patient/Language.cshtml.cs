using System.Text.RegularExpressions;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Web.WorkflowVersions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Patient;

/// <summary>Switches the language the patient reads in, for this link only, and returns to the page they were on.</summary>
/// <remarks>
/// Only the reading language changes: the session keeps the language the clinic chose, which is the
/// language of the signed record. The cookie is scoped to this link's path so a shared clinic tablet
/// does not carry one patient's choice into the next patient's link.
/// </remarks>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed partial class LanguageModel(PatientAccessService access, WorkflowRegistry workflows, IHostEnvironment environment) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string token, string lang, string? to, CancellationToken ct)
    {
        if ((access.Previews.Find(token)?.Session ?? await access.FindAsync(token, ct)) is not { } session)
        {
            return Redirect($"/p/{Uri.EscapeDataString(token)}");
        }

        if (workflows.For(session).Definition.Languages.Contains(lang))
        {
            PatientPageModel.RememberLanguage(HttpContext, token, lang, environment);
        }

        var back = to is not null && ReturnPattern().IsMatch(to) ? "/" + to : "";
        return Redirect($"/p/{token}{back}");
    }

    [GeneratedRegex("^(step|sign|question|decline|withdraw|later|review/[a-z0-9_-]{1,64})$")]
    private static partial Regex ReturnPattern();
}
