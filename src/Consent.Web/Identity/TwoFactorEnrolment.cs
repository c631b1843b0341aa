using Consent.Web.Data.Entities;

namespace Consent.Web.Identity;

/// <summary>
/// Setting up, replacing and resetting a staff member's second factor. Setting one up needs more than
/// the password: a one-time enrolment code from an admin, or, to replace a second factor, a code
/// from the current one.
/// </summary>
/// <remarks>
/// <para>
/// The outside review enrolled an authenticator for a new Auditor knowing only the password an admin
/// had chosen, so took the Auditor's full reach, and the real user could never sign in again. Now an
/// admin issues an enrolment code when creating an account or resetting its second factor (API,
/// <c>/admin/users</c>, or the <c>reset-two-factor</c> command for the first admin). The code is shown
/// once, kept only as a hash, expires after <see cref="CodeLifetime"/> and is used up by the set-up
/// it starts. A new key waits beside the one in use until a code from it confirms it.
/// </para>
/// <para>
/// Wrong enrolment codes and wrong authenticator codes count towards the account's lockout, as wrong
/// passwords do. Every issue, reset, set-up and confirmation is written to the service's log with
/// the account's id, never a code or a key.
/// </para>
/// </remarks>
public sealed class TwoFactorEnrolment(StaffUserManager users, AuthenticatorCodes codes, TimeProvider clock, ILogger<TwoFactorEnrolment> log)
{
    /// <summary>How long an enrolment code works: long enough to reach someone on leave over a weekend.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromHours(72);

    /// <summary>A code as shown, once, to the admin who issued it.</summary>
    public sealed record IssuedCode(string Code, DateTimeOffset ExpiresAt);

    /// <summary>The new key, or why set-up was refused (the form field and what to do).</summary>
    public sealed record SetupResult(string? Key, string? Field = null, string? Error = null);

    /// <summary>A new enrolment code for the account, replacing any earlier one.</summary>
    /// <param name="issuedBy">The admin, or null for the operator's command.</param>
    /// <param name="toInvitee">Issued to the staff member themselves, on accepting their invitation (the link proved the mailbox).</param>
    public async Task<IssuedCode> IssueAsync(StaffUser user, Guid? issuedBy, bool toInvitee = false)
    {
        var code = OneTimeSecrets.New(3);
        var expires = clock.GetUtcNow() + CodeLifetime;
        user.TwoFactorEnrolmentCodeHash = OneTimeSecrets.Hash(code);
        user.TwoFactorEnrolmentCodeExpiresAt = expires;
        Check(await users.UpdateAsync(user));
        log.LogInformation("{Issuer} issued a two-factor enrolment code for staff account {UserId}, valid until {ExpiresAt:O}.",
            toInvitee ? "Accepting the invitation" : Who(issuedBy), user.Id, expires);
        return new IssuedCode(code, expires);
    }

    /// <summary>Turns the second factor off, ends every sign-in of the account and issues a new enrolment code.</summary>
    public async Task<IssuedCode> ResetAsync(StaffUser user, Guid? resetBy)
    {
        Check(await users.RemoveSecondFactorAsync(user));
        log.LogWarning("{Issuer} reset the second factor of staff account {UserId}; its sign-ins have ended.", Who(resetBy), user.Id);
        return await IssueAsync(user, resetBy);
    }

    /// <summary>
    /// Starts setting up an authenticator: with an admin's enrolment code while two-factor is off,
    /// or with a code from the authenticator in use to replace it. Returns the new shared key.
    /// </summary>
    public async Task<SetupResult> StartAsync(StaffUser user, string? enrolmentCode, string? currentCode)
    {
        // A lockout leaves the sign-in that asks (StaffUserManager), so it must stop code guessing here.
        if (await users.IsLockedOutAsync(user))
        {
            return new SetupResult(null, currentCode is null ? "enrolmentCode" : "code",
                "Too many wrong passwords or codes: setting up two-factor is refused for a while. Try again later.");
        }

        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrWhiteSpace(currentCode) || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, currentCode))
            {
                await users.AccessFailedAsync(user);
                return new SetupResult(null, "code", "To replace your authenticator, send the current code from the one you use now.");
            }
        }
        else if (!OneTimeSecrets.Matches(enrolmentCode, user.TwoFactorEnrolmentCodeHash) || user.TwoFactorEnrolmentCodeExpiresAt <= clock.GetUtcNow())
        {
            await users.AccessFailedAsync(user);
            return new SetupResult(null, "enrolmentCode",
                "Setting up two-factor needs the one-time enrolment code an admin gave you; it works once, for 72 hours. Ask an admin for a new one.");
        }

        // Used up by the set-up it starts, so whoever later learns it (or the password) cannot start another.
        user.TwoFactorEnrolmentCodeHash = null;
        user.TwoFactorEnrolmentCodeExpiresAt = null;
        var key = await users.NewPendingAuthenticatorKeyAsync(user);
        log.LogInformation("Staff account {UserId} started setting up an authenticator.", user.Id);
        return new SetupResult(key);
    }

    /// <summary>Confirms the key set-up gave with a code from it: two-factor is on (or the new key replaces the old), and every sign-in ends.</summary>
    public async Task<bool> ConfirmAsync(StaffUser user, string? code)
    {
        if (await users.GetPendingAuthenticatorKeyAsync(user) is not { Length: > 0 } key || string.IsNullOrWhiteSpace(code) || !await codes.ConfirmNewKeyAsync(user, key, code))
        {
            await users.AccessFailedAsync(user);
            return false;
        }

        Check(await users.ConfirmPendingAuthenticatorKeyAsync(user, key));
        log.LogInformation("Staff account {UserId} turned on two-factor with a new authenticator; its sign-ins have ended.", user.Id);
        return true;
    }

    private static string Who(Guid? admin) => admin is { } id ? $"Admin {id}" : "The reset-two-factor command";

    private static void Check(Microsoft.AspNetCore.Identity.IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The staff account could not be saved: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
