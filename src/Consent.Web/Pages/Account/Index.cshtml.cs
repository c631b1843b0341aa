using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Account;

/// <summary>
/// The staff member's own account: change the password (required after an admin's reset) and set up
/// or replace the authenticator, with the same use cases as <c>/api/v1/account</c>.
/// </summary>
[Authorize(Policy = Policies.Staff)]
public sealed class IndexModel(OwnAccount account, SignInManager<StaffUser> signIn, StaffSignIns signIns, QrCodes qr) : StaffPageModel
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

    [TempData]
    public string? Notice { get; set; }

    /// <summary>The enrolment code an accepted invitation issued, offered once in the set-up form (it is also on the page the invitee just saw).</summary>
    [TempData]
    public string? OfferedEnrolmentCode { get; set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        if (Password.New != Password.Confirm)
        {
            ModelState.AddModelError("confirm", "The two new passwords are not the same.");
            return Page();
        }

        if (!Succeeded(await account.ChangePasswordAsync(User, Password.Current, Password.New), out _))
        {
            return Page();
        }

        // This browser stays signed in (with the second factor it passed); every other sign-in has ended.
        await signIn.SignInWithClaimsAsync(Me, isPersistent: false, await signIns.StartAsync(Me, User.HasClaim(Policies.TwoFactorClaim, "true"), User));
        Notice = "Your password is changed. Every other sign-in of your account has ended.";
        return Redirect("/account");
    }

    public async Task<IActionResult> OnPostTwoFactorSetupAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        if (Succeeded(await account.StartTwoFactorAsync(User, EnrolmentCode, Code), out var setup))
        {
            ShowKey(setup);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostTwoFactorEnableAsync()
    {
        if (!await LoadAsync())
        {
            return Challenge();
        }

        if (!Succeeded(await account.ConfirmTwoFactorAsync(User, Code), out _))
        {
            // The form's own field and words: the code box under the new key.
            ModelState.Clear();
            ModelState.AddModelError("confirm-code", "That code does not match the new key. Check the time on your phone and enter the current code.");
            if (await account.PendingSetupAsync(Me) is { } pending)
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
        if (await account.MeAsync(User) is not { } me)
        {
            return false;
        }

        Me = me;
        return true;
    }

    private void ShowKey(TwoFactorSetup setup)
    {
        NewKey = setup.SharedKey;
        NewKeyUri = setup.AuthenticatorUri;
        NewKeyQr = qr.PngDataUri(NewKeyUri);
    }

    /// <summary>The password form.</summary>
    public sealed class PasswordForm
    {
        public string? Current { get; set; }

        public string? New { get; set; }

        public string? Confirm { get; set; }
    }
}
