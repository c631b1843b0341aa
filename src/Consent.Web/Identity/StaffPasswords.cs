using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Identity;

/// <summary>
/// A staff member changes their own password; an admin resets a forgotten one to a temporary
/// password that the staff member must replace at their next sign-in.
/// </summary>
/// <remarks>
/// <para>
/// Both change the security stamp, which ends every other sign-in of the account (a stolen cookie
/// or token stops working). A change needs the current password; wrong ones count towards the
/// lockout, so a stolen sign-in cannot be used to guess the password.
/// </para>
/// <para>
/// The admin never chooses, and never learns, the password the staff member will use: the reset
/// makes a random temporary one, shown once to the admin to pass on. Until it is replaced the account
/// reaches only its own account (<see cref="StaffSignInCheck"/>), and after
/// <see cref="TemporaryLifetime"/> it no longer signs in at all. The reset also lifts a lockout (the
/// usual reason for the call). It leaves the second factor as it is: an admin who also resets that
/// does so separately (<see cref="TwoFactorEnrolment"/>). Changes and resets are logged with the
/// account's id, never a password.
/// </para>
/// </remarks>
/// <para>Every way a password is set (<see cref="ChangeAsync"/>, <see cref="ResetAsync"/>, <see cref="SetFromLinkAsync"/>) records when
/// (<see cref="StaffUser.PasswordChangedAt"/>, shown to admins) and mails the staff member a notice, so someone who did not do it
/// finds out (21 CFR 11.300(b), (d)).</para>
public sealed class StaffPasswords(StaffUserManager users, TimeProvider clock, ILogger<StaffPasswords> log, Data.ConsentDbContext db, Mail.StaffMail mail)
{
    /// <summary>How long a temporary password signs in before the admin must reset it again.</summary>
    public static readonly TimeSpan TemporaryLifetime = TimeSpan.FromHours(72);

    /// <summary>A temporary password is four groups of four (about 77 bits).</summary>
    private const int TemporaryGroups = 4;

    /// <summary>A temporary password as shown, once, to the admin who reset it.</summary>
    public sealed record Temporary(string Password, DateTimeOffset ExpiresAt);

    /// <summary>Null when the password was changed; otherwise what is wrong, by request field.</summary>
    public async Task<Dictionary<string, string[]>?> ChangeAsync(StaffUser user, string? currentPassword, string? newPassword)
    {
        if (string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword))
        {
            return Error(string.IsNullOrEmpty(currentPassword) ? "currentPassword" : "newPassword",
                "Both your current password and a new one are required.");
        }

        // Decided under the account's row lock from the account as stored, as a sign-in is (StaffSignIn): a burst of
        // changes sent at once from a stolen live sign-in was otherwise each checked before the first failures counted.
        await using var own = await ((StaffUserManager)users).LockAndReloadAsync(user);
        var refused = await ChangeLockedAsync(user, currentPassword, newPassword);
        if (own is not null)
        {
            await own.CommitAsync();
        }

        return refused;
    }

    private async Task<Dictionary<string, string[]>?> ChangeLockedAsync(StaffUser user, string currentPassword, string newPassword)
    {
        // A lockout does not end this sign-in (StaffUserManager), so it must stop the guessing here.
        if (await users.IsLockedOutAsync(user))
        {
            return Error("currentPassword", "Too many wrong passwords or codes: new sign-ins and password changes of this account are refused for a while. Try again later.");
        }

        currentPassword = AsIssued(users, user, currentPassword);
        if (!await users.CheckPasswordAsync(user, currentPassword))
        {
            await users.AccessFailedAsync(user);
            return Error("currentPassword", "Your current password is not correct.");
        }

        if (string.Equals(currentPassword, newPassword, StringComparison.Ordinal))
        {
            return Error("newPassword", "Choose a new password, different from the current one.");
        }

        var (temporaryUntil, changedAt) = (user.TemporaryPasswordExpiresAt, user.PasswordChangedAt);
        var link = (user.AccountLinkHash, user.AccountLinkPurpose, user.AccountLinkExpiresAt);
        user.TemporaryPasswordExpiresAt = null;
        user.PasswordChangedAt = clock.GetUtcNow();
        // A reset link asked for earlier stops working: the holder has just chosen a password.
        AccountLinks.UseUp(user);
        mail.EnqueueNotice(db, user, "changed");
        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded)
        {
            (user.TemporaryPasswordExpiresAt, user.PasswordChangedAt) = (temporaryUntil, changedAt);
            (user.AccountLinkHash, user.AccountLinkPurpose, user.AccountLinkExpiresAt) = link;
            DropQueuedNotices();
            return new Dictionary<string, string[]> { ["newPassword"] = [.. changed.Errors.Select(e => e.Description)] };
        }

        mail.Wake();

        log.LogInformation("Staff account {UserId} changed its password; its other sign-ins have ended.", user.Id);
        return null;
    }

    /// <summary>Sets a random temporary password, lifts a lockout and ends every sign-in of the account.</summary>
    /// <param name="resetBy">The admin, or null for the operator's <c>repair-staff-account</c> command.</param>
    public async Task<Temporary> ResetAsync(StaffUser user, Guid? resetBy)
    {
        var password = OneTimeSecrets.New(TemporaryGroups);
        var expires = clock.GetUtcNow() + TemporaryLifetime;
        user.TemporaryPasswordExpiresAt = expires;
        user.PasswordChangedAt = clock.GetUtcNow();
        mail.EnqueueNotice(db, user, "reset-by-admin");
        var reset = await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), password);
        if (!reset.Succeeded)
        {
            throw new InvalidOperationException($"The temporary password was refused: {string.Join(" ", reset.Errors.Select(e => e.Description))}");
        }

        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        mail.Wake();
        log.LogWarning("{Issuer} reset the password of staff account {UserId} to a temporary one, valid until {ExpiresAt:O}; its sign-ins have ended.",
            resetBy is { } admin ? $"Admin {admin}" : "The repair-staff-account command", user.Id, expires);
        return new Temporary(password, expires);
    }

    /// <summary>
    /// Sets the password from an emailed link (<see cref="AccountLinks"/>): the first one, from an
    /// invitation, or a new one, from a reset. Uses the link up, lifts a lockout of guesses (whoever
    /// holds the link holds the mailbox), ends every other sign-in, and mails the notice of a reset.
    /// Null when set; otherwise what is wrong with the password, by field <c>password</c>.
    /// </summary>
    public async Task<Dictionary<string, string[]>?> SetFromLinkAsync(StaffUser user, string? newPassword)
    {
        if (string.IsNullOrEmpty(newPassword))
        {
            return Error("password", "Choose a password.");
        }

        var invitation = user.PasswordHash is null;
        var saved = (user.AccountLinkHash, user.AccountLinkPurpose, user.AccountLinkExpiresAt, user.TemporaryPasswordExpiresAt, user.PasswordChangedAt);
        AccountLinks.UseUp(user);
        user.TemporaryPasswordExpiresAt = null;
        user.PasswordChangedAt = clock.GetUtcNow();
        if (!invitation)
        {
            mail.EnqueueNotice(db, user, "reset-by-link");
        }

        var result = invitation
            ? await users.AddPasswordAsync(user, newPassword)
            : await users.ResetPasswordAsync(user, await users.GeneratePasswordResetTokenAsync(user), newPassword);
        if (!result.Succeeded)
        {
            (user.AccountLinkHash, user.AccountLinkPurpose, user.AccountLinkExpiresAt, user.TemporaryPasswordExpiresAt, user.PasswordChangedAt) = saved;
            DropQueuedNotices();
            return new Dictionary<string, string[]> { ["password"] = [.. result.Errors.Select(e => e.Description)] };
        }

        if (!invitation)
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            mail.Wake();
        }

        log.LogInformation("Staff account {UserId} set its password from an emailed {Purpose} link.", user.Id, invitation ? "invitation" : "reset");
        return null;
    }

    /// <summary>Drops a notice queued for a change that was then refused, so it is not saved with a later write.</summary>
    private void DropQueuedNotices()
    {
        foreach (var entry in db.ChangeTracker.Entries<Data.Entities.OutboxJob>().Where(e => e.State == Microsoft.EntityFrameworkCore.EntityState.Added).ToList())
        {
            entry.State = Microsoft.EntityFrameworkCore.EntityState.Detached;
        }
    }

    /// <summary>
    /// A temporary password as it was issued, however it was typed: any case, without its hyphens
    /// or with spaces. Its alphabet has one case and no look-alikes (<see cref="OneTimeSecrets"/>),
    /// so this loses nothing. Any other password is compared exactly.
    /// </summary>
    public static string AsIssued(UserManager<StaffUser> users, StaffUser user, string typed) =>
        user.TemporaryPasswordExpiresAt is not null && user.PasswordHash is { } hash
        && OneTimeSecrets.AsIssued(typed, TemporaryGroups) is { } issued && issued != typed
        && users.PasswordHasher.VerifyHashedPassword(user, hash, issued) != PasswordVerificationResult.Failed
            ? issued
            : typed;

    private static Dictionary<string, string[]> Error(string field, string message) => new() { [field] = [message] };
}
