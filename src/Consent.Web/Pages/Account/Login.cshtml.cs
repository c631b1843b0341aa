using System.ComponentModel.DataAnnotations;
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
public sealed class LoginModel(StaffSignIn staffSignIn, SignInManager<StaffUser> signIn, StaffSignIns signIns, IHostEnvironment environment) : PageModel
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>What the account page said before sending the user here (two-factor just turned on).</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>Every problem with the form, for the shared error summary, each linked to its field.</summary>
    public ErrorSummary Errors => ErrorSummary.Of(ModelState, null,
        ("Input.Email", "Input_Email", "Email"), ("Input.Password", "Input_Password", "Password"),
        ("Input.TwoFactorCode", "Input_TwoFactorCode", "Authenticator code"));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var attempt = await staffSignIn.CheckAsync(Input.Email, Input.Password, Input.TwoFactorCode);
        if (attempt.Outcome != SignInOutcome.SignedIn)
        {
            ModelState.AddModelError(string.Empty, attempt.Outcome == SignInOutcome.SecondFactorNeeded
                ? "Enter the current code from your authenticator app."
                : "The email or password is not correct, or the account is locked for a while after repeated failures.");
            return Page();
        }

        await signIn.SignInWithClaimsAsync(attempt.User!, isPersistent: false, await signIns.StartAsync(attempt.User!, attempt.PassedSecondFactor));
        // A staff member signing in on a device a patient used (a clinic tablet handed back) ends the patient's access there.
        Ui.PatientTicketCookie.Remove(HttpContext, environment);
        if (attempt.PasswordChangeRequired)
        {
            // A temporary password from an admin's reset reaches nothing else until it is replaced.
            return LocalRedirect("/account");
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    /// <summary>The sign-in form.</summary>
    public sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [EmailAddress(ErrorMessage = "Enter your email address as name@example.org.")]
        [StringLength(254, ErrorMessage = "An email address is at most 254 characters.")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [StringLength(200, ErrorMessage = "A password is at most 200 characters.")]
        public string Password { get; set; } = "";

        [StringLength(10, ErrorMessage = "An authenticator code is the 6 digits your app shows.")]
        public string? TwoFactorCode { get; set; }
    }
}
