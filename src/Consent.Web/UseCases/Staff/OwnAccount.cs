using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;

namespace Consent.Web.UseCases.Staff;

/// <summary>
/// The signed-in staff member's own account: who they are, the password, and setting up or replacing
/// the authenticator. <c>/account</c> and <c>/api/v1/account</c> call these; signing the browser or
/// client in again afterwards is theirs to do.
/// </summary>
/// <remarks>
/// Every method first finds the account of the principal; one that no longer exists is refused as
/// <see cref="RefusedAs.SignedOut"/>.
/// </remarks>
public sealed class OwnAccount(StaffUserManager users, StaffPasswords passwords, TwoFactorEnrolment enrolment, SystemEvents.SystemAudit audit)
{
    private static readonly Refusal NoAccount = new(RefusedAs.SignedOut, "Signed out", "Sign in again.");

    /// <summary>The account of the principal, if it still exists.</summary>
    public Task<StaffUser?> MeAsync(ClaimsPrincipal principal) => users.GetUserAsync(principal);

    public async Task<Outcome<AccountView>> ViewAsync(ClaimsPrincipal principal)
    {
        if (await MeAsync(principal) is not { } user)
        {
            return NoAccount;
        }

        var roles = await users.GetRolesAsync(user);
        return new AccountView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled,
            user.TemporaryPasswordExpiresAt is not null);
    }

    /// <summary>Changes the password (<see cref="StaffPasswords.ChangeAsync"/>); every sign-in of the account ends. Answers the account.</summary>
    public async Task<Outcome<StaffUser>> ChangePasswordAsync(ClaimsPrincipal principal, string? currentPassword, string? newPassword)
    {
        if (await MeAsync(principal) is not { } user)
        {
            return NoAccount;
        }

        if (await passwords.ChangeAsync(user, currentPassword, newPassword) is { } errors)
        {
            return new FieldErrors(errors);
        }

        audit.Record(SystemEvents.SystemEventTypes.PasswordChanged, by: principal);
        return user;
    }

    /// <summary>
    /// A new shared key, which works once a code from it confirms it. Needs the admin's one-time
    /// enrolment code, or, to replace an authenticator, a code from the current one: the password
    /// alone does not let anyone attach their own authenticator to the account.
    /// </summary>
    public async Task<Outcome<TwoFactorSetup>> StartTwoFactorAsync(ClaimsPrincipal principal, string? enrolmentCode, string? code)
    {
        if (await MeAsync(principal) is not { } user)
        {
            return NoAccount;
        }

        var started = await enrolment.StartAsync(user, enrolmentCode, code);
        return started.Key is { } key ? new TwoFactorSetup(key, AuthenticatorUri(user, key)) : FieldErrors.One(started.Field!, started.Error!);
    }

    /// <summary>Turns two-factor on with the key from set-up, and ends every sign-in of the account.</summary>
    /// <remarks>A wrong code is invalid under <c>code</c>; the set-up key still waiting, if any, is in <see cref="PendingSetupAsync"/>.</remarks>
    public async Task<Outcome<StaffUser>> ConfirmTwoFactorAsync(ClaimsPrincipal principal, string? code)
    {
        if (await MeAsync(principal) is not { } user)
        {
            return NoAccount;
        }

        if (await enrolment.ConfirmAsync(user, code))
        {
            audit.Record(SystemEvents.SystemEventTypes.TwoFactorEnrolled, by: principal);
            return user;
        }

        return FieldErrors.One("code",
            "The code is not valid: set up with your enrolment code first, then send the current code from the new key. Check the time on your phone.");
    }

    /// <summary>The key set-up gave that still waits for its first code, to show again after a wrong one.</summary>
    public async Task<TwoFactorSetup?> PendingSetupAsync(StaffUser user) =>
        await users.GetPendingAuthenticatorKeyAsync(user) is { } key ? new TwoFactorSetup(key, AuthenticatorUri(user, key)) : null;

    /// <summary>The otpauth URI an authenticator app reads (from a QR code or a link).</summary>
    public static string AuthenticatorUri(StaffUser user, string key) =>
        string.Format(CultureInfo.InvariantCulture, "otpauth://totp/{0}:{1}?secret={2}&issuer={0}&digits=6",
            UrlEncoder.Default.Encode("Consent"), UrlEncoder.Default.Encode(user.Email ?? ""), key);
}

/// <summary>The signed-in staff member; <c>passwordChangeRequired</c> after an admin's reset, until they choose their own.</summary>
public sealed record AccountView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool PasswordChangeRequired);

/// <summary>The shared key and otpauth URI for an authenticator app.</summary>
public sealed record TwoFactorSetup(string SharedKey, string AuthenticatorUri);
