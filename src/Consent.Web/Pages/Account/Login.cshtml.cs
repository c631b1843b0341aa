using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Account;

/// <summary>Cookie sign-in for staff, with the authenticator code when two-factor is on.</summary>
[AllowAnonymous]
[EnableRateLimiting(PageRateLimits.SignIn)]
public sealed class LoginModel(UserManager<StaffUser> users, SignInManager<StaffUser> signIn) : PageModel
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await users.FindByEmailAsync(Input.Email.Trim());
        var check = user is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.CheckPasswordSignInAsync(user, Input.Password, lockoutOnFailure: true);
        if (user is null || !check.Succeeded)
        {
            ModelState.AddModelError(string.Empty, "The email or password is not correct, or the account is locked for a while after repeated failures.");
            return Page();
        }

        var secondFactor = false;
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var code = (Input.TwoFactorCode ?? "").Replace(" ", "", StringComparison.Ordinal);
            if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.AccessFailedAsync(user);
                ModelState.AddModelError(string.Empty, "Enter the current code from your authenticator app.");
                return Page();
            }

            secondFactor = true;
        }

        await users.ResetAccessFailedCountAsync(user);
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim(Policies.TwoFactorClaim, secondFactor ? "true" : "false")]);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    /// <summary>The sign-in form.</summary>
    public sealed class LoginInput
    {
        [Required, EmailAddress, StringLength(254)]
        public string Email { get; set; } = "";

        [Required, StringLength(200)]
        public string Password { get; set; } = "";

        [StringLength(10)]
        public string? TwoFactorCode { get; set; }
    }
}
