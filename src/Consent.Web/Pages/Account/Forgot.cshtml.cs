using Consent.Web.Ui;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Account;

/// <summary>
/// A forgotten password: the staff member enters their email, and an active account with that email is
/// mailed a reset link valid for one hour. The page says the same whether or not the email has an account.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(PageRateLimits.SignIn)]
public sealed class ForgotModel(StaffLinks links) : StaffPageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Email))
        {
            ModelState.AddModelError("email", "Enter the email address of your account.");
            return Page();
        }

        await links.RequestResetAsync(Email);
        Sent = true;
        return Page();
    }
}
