using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Account;

/// <summary>
/// Ends the staff cookie session (POST only, with antiforgery). The account's security stamp is
/// rotated, so a copy of the cookie (and every other sign-in of the account) stops working too.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class LogoutModel(SignInManager<StaffUser> signIn, IHostEnvironment environment, SystemEvents.SystemAudit audit) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await signIn.UserManager.GetUserAsync(User) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
            audit.Record(SystemEvents.SystemEventTypes.SignedOut);
        }

        await signIn.SignOutAsync();
        // Any patient's access on this device ends too (a clinic tablet).
        Ui.PatientTicketCookie.Remove(HttpContext, environment);
        return RedirectToPage("/Index");
    }
}
