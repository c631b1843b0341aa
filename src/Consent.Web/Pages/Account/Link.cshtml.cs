using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Account;

/// <summary>
/// The page an emailed staff link opens (<see cref="AccountLinks"/>): an invitation, where the new
/// staff member chooses their first password, or a password reset. The token is in the path, which
/// the logs mask (<see cref="Hosting.LinkTokenRedaction"/>).
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(PageRateLimits.SignIn)]
public sealed class LinkModel(StaffLinks links) : StaffPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    /// <summary>What the link opens; null when it opens nothing (used, replaced, run out).</summary>
    public AccountLinkView? Link { get; private set; }

    /// <summary>Set once the password is set: the page then says what comes next.</summary>
    public PasswordSetFromLink? Done { get; private set; }

    /// <summary>Offered on the account page's authenticator form after the invitee signs in.</summary>
    [TempData]
    public string? OfferedEnrolmentCode { get; set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync() => Link = await links.ViewAsync(Token);

    public async Task<IActionResult> OnPostAsync()
    {
        Link = await links.ViewAsync(Token);
        if (Link is null)
        {
            return Page();
        }

        if (!string.Equals(Password, Confirm, StringComparison.Ordinal))
        {
            ModelState.AddModelError("confirm", "The two passwords are not the same.");
            return Page();
        }

        if (!Succeeded(await links.SetPasswordAsync(Token, Password), out var done))
        {
            return Page();
        }

        Done = done;
        if (done.EnrolmentCode is { } code)
        {
            OfferedEnrolmentCode = code.Code;
        }

        if (!done.Invitation)
        {
            Notice = "Your new password is set, and every other sign-in of your account has ended. Sign in with it now.";
            return Redirect("/Account/Login");
        }

        return Page();
    }
}
