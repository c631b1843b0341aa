using Consent.Web.Api;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Account;

/// <summary>
/// The staff member's own account: change the password (required after an admin's reset) and set up
/// or replace the authenticator, with the same rules as <c>/api/v1/account</c>.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class IndexModel(
    StaffUserManager users, StaffPasswords passwords, TwoFactorEnrolment enrolment, SignInManager<StaffUser> signIn, QrCodes qr) : PageModel
{
    public StaffUser Me { get; private set; } = new();

    [BindProperty]
    public PasswordForm Password { get; set; } = new();

    [BindProperty]
    public string? EnrolmentCode { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    /// <summary>A key waiting for its first code: shown after set-up, and again after a wrong code.</summary>
    public string? NewKey { get; private set; }

    public string? NewKeyUri { get; private set; }

    public string? NewKeyQr { get; private set; }

    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? messages.FirstOrDefault() : null;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        Errors = Password.New != Password.Confirm
            ? new() { ["confirm"] = ["The two new passwords are not the same."] }
            : await passwords.ChangeAsync(Me, Password.Current, Password.New) ?? [];
        if (Errors.Count > 0)
        {
            return Page();
        }

        // This browser stays signed in (with the second factor it passed); every other sign-in has ended.
        await signIn.SignInWithClaimsAsync(Me, isPersistent: false, [SecondFactorClaim()]);
        Notice = "Your password is changed. Every other sign-in of your account has ended.";
        return Redirect("/account");
    }

    public async Task<IActionResult> OnPostTwoFactorSetupAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        var started = await enrolment.StartAsync(Me, EnrolmentCode, Code);
        if (started.Key is { } key)
        {
            ShowKey(key);
        }
        else
        {
            Errors = new() { [started.Field!] = [started.Error!] };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostTwoFactorEnableAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        if (!await enrolment.ConfirmAsync(Me, Code))
        {
            Errors = new() { ["confirm-code"] = ["That code does not match the new key. Check the time on your phone and enter the current code."] };
            if (await users.GetPendingAuthenticatorKeyAsync(Me) is { } pending)
            {
                ShowKey(pending);
            }

            return Page();
        }

        // Turning two-factor on ended every sign-in, this one too.
        await signIn.SignOutAsync();
        Notice = "Two-factor is on. Sign in again with the next code from your authenticator app.";
        return Redirect("/Account/Login");
    }

    private async Task<bool> LoadAsync()
    {
        if (await users.GetUserAsync(User) is not { } me)
        {
            return false;
        }

        Me = me;
        return true;
    }

    private void ShowKey(string key)
    {
        NewKey = key;
        NewKeyUri = AccountApi.AuthenticatorUri(Me, key);
        NewKeyQr = qr.PngDataUri(NewKeyUri);
    }

    private System.Security.Claims.Claim SecondFactorClaim() =>
        new(Policies.TwoFactorClaim, User.HasClaim(Policies.TwoFactorClaim, "true") ? "true" : "false");

    /// <summary>The password form.</summary>
    public sealed class PasswordForm
    {
        public string? Current { get; set; }

        public string? New { get; set; }

        public string? Confirm { get; set; }
    }
}
