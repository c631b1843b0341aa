using Consent.Web.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Consent.Web.Hosting;

/// <summary>
/// Sends a signed-in staff member who still owes something before their roles work
/// (<see cref="StaffSignInVerdicts.DueClaim"/>) to where it is done, from any staff page: their
/// account page to replace a temporary password or set up an authenticator, the training page to
/// sign the attestation. Pages under <c>/Account</c> (sign-in, sign-out, the account itself, the
/// emailed links) and the patient pages are left alone. The API needs no such step: without roles
/// its calls answer 403.
/// </summary>
internal sealed class StaffDutiesFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var page = context.ActionDescriptor.ViewEnginePath;
        if (context.HttpContext.User.FindFirst(StaffSignInVerdicts.DueClaim)?.Value is { } due
            && !page.StartsWith("/Account/", StringComparison.OrdinalIgnoreCase) && !page.StartsWith("/Patient/", StringComparison.OrdinalIgnoreCase))
        {
            context.Result = new RedirectResult(due == "training" ? "/account/training" : "/account");
            return;
        }

        await next();
    }
}
