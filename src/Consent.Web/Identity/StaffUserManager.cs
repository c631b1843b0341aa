using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Identity;

/// <summary>
/// Identity's user manager with the clinic's rules for ending sign-ins: a role change, a
/// deactivation and a second-factor reset rotate the security stamp (Identity already does for a
/// password change and turning two-factor on), and every write tells this node's
/// <see cref="StaffStandings"/> at once. A new authenticator key waits beside the one in use until a
/// code confirms it.
/// </summary>
/// <remarks>
/// A rotated stamp ends every existing bearer token and cookie of the account (see
/// <see cref="StaffSignInCheck"/>): on this node at once, on other nodes within
/// <see cref="StaffStandings.Lifetime"/>. Accounts are never deleted, so names in the audit trail
/// stay and an email is never given to someone else.
/// </remarks>
public sealed class StaffUserManager(
    IUserStore<StaffUser> store,
    IOptions<IdentityOptions> options,
    IPasswordHasher<StaffUser> passwordHasher,
    IEnumerable<IUserValidator<StaffUser>> userValidators,
    IEnumerable<IPasswordValidator<StaffUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<StaffUser>> logger,
    StaffStandings standings,
    TimeProvider clock,
    IHostEnvironment environment,
    LockoutAlerts lockoutAlerts)
    : UserManager<StaffUser>(store, options, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    private const string PendingKeyProvider = "Consent";

    private const string PendingKeyName = "PendingAuthenticatorKey";

    /// <summary>Whether Admin counts only with a second factor (outside Development, <see cref="StaffSignInCheck"/>).</summary>
    public bool AdminNeedsSecondFactor => !environment.IsDevelopment() && StaffRoles.NeedingSecondFactor.Contains(StaffRoles.Admin);

    public override async Task<IdentityResult> AddToRoleAsync(StaffUser user, string role) =>
        await RotateIfSucceeded(user, await base.AddToRoleAsync(user, role));

    public override async Task<IdentityResult> AddToRolesAsync(StaffUser user, IEnumerable<string> roles)
    {
        var added = roles.ToList();
        var result = await base.AddToRolesAsync(user, added);
        return added.Count > 0 ? await RotateIfSucceeded(user, result) : result;
    }

    public override async Task<IdentityResult> RemoveFromRoleAsync(StaffUser user, string role) =>
        await RotateIfSucceeded(user, await base.RemoveFromRoleAsync(user, role));

    /// <remarks>An empty list changes nothing, so it ends no sign-in (saving unchanged roles on /admin/users).</remarks>
    public override async Task<IdentityResult> RemoveFromRolesAsync(StaffUser user, IEnumerable<string> roles)
    {
        var removed = roles.ToList();
        var result = await base.RemoveFromRolesAsync(user, removed);
        return removed.Count > 0 ? await RotateIfSucceeded(user, result) : result;
    }

    /// <summary>
    /// Counts a wrong password or code; the failure that locks the account is logged (by id), recorded on the
    /// system audit trail and put in the admins' next alert digest (<see cref="LockoutAlerts"/>; 21 CFR 11.300(d)), once per
    /// lockout: an attempt counted while the account is already locked raises nothing. A lockout refuses new password
    /// sign-ins only: it does not end the account's live sign-ins, or anyone who knows a staff email could sign that
    /// person out, again and again.
    /// </summary>
    /// <remarks>
    /// Counted under the account's row lock from the count as stored (<see cref="LockAndReloadAsync"/>): failures sent
    /// at once were otherwise refused as a change made since the account was read, and only one of them counted.
    /// </remarks>
    public override async Task<IdentityResult> AccessFailedAsync(StaffUser user)
    {
        await using var own = await LockAndReloadAsync(user);
        var wasLocked = await IsLockedOutAsync(user);
        var result = await base.AccessFailedAsync(user);
        if (result.Succeeded && own is not null)
        {
            await own.CommitAsync(CancellationToken);
        }

        if (result.Succeeded && !wasLocked && await IsLockedOutAsync(user))
        {
            Logger.LogWarning("Staff account {UserId} is locked out until {LockoutEnd:O}: new password sign-ins are refused until then; its live sign-ins continue.",
                user.Id, user.LockoutEnd);
            lockoutAlerts.Raise(user, Options.Lockout.MaxFailedAccessAttempts);
        }

        return result;
    }

    /// <summary>A lockout set on purpose (not by failed guesses) ends the account's sign-ins.</summary>
    public override async Task<IdentityResult> SetLockoutEndDateAsync(StaffUser user, DateTimeOffset? lockoutEnd)
    {
        var result = await base.SetLockoutEndDateAsync(user, lockoutEnd);
        return lockoutEnd > clock.GetUtcNow() ? await RotateIfSucceeded(user, result) : result;
    }

    /// <summary>
    /// A new authenticator key, kept aside until a code from it confirms it
    /// (<see cref="ConfirmPendingAuthenticatorKeyAsync"/>); a key already in use keeps working until then.
    /// </summary>
    public async Task<string> NewPendingAuthenticatorKeyAsync(StaffUser user)
    {
        var key = GenerateNewAuthenticatorKey();
        await SetAuthenticationTokenAsync(user, PendingKeyProvider, PendingKeyName, key);
        return key;
    }

    public Task<string?> GetPendingAuthenticatorKeyAsync(StaffUser user) => GetAuthenticationTokenAsync(user, PendingKeyProvider, PendingKeyName);

    /// <summary>Puts the pending key in use and turns two-factor on, which rotates the stamp (every sign-in of the account ends).</summary>
    public async Task<IdentityResult> ConfirmPendingAuthenticatorKeyAsync(StaffUser user, string key)
    {
        await ((IUserAuthenticatorKeyStore<StaffUser>)Store).SetAuthenticatorKeyAsync(user, key, CancellationToken);
        await RemoveAuthenticationTokenAsync(user, PendingKeyProvider, PendingKeyName);
        return await SetTwoFactorEnabledAsync(user, true);
    }

    /// <summary>
    /// Turns two-factor off and forgets the keys (the one in use is replaced by one nobody knows), and
    /// ends every sign-in of the account: what an admin's reset does before a new enrolment.
    /// </summary>
    public async Task<IdentityResult> RemoveSecondFactorAsync(StaffUser user)
    {
        await RemoveAuthenticationTokenAsync(user, PendingKeyProvider, PendingKeyName);
        await ((IUserAuthenticatorKeyStore<StaffUser>)Store).SetAuthenticatorKeyAsync(user, GenerateNewAuthenticatorKey(), CancellationToken);
        user.LastAuthenticatorStep = null;
        user.TwoFactorEnabled = false;
        return await UpdateSecurityStampAsync(user);
    }

    /// <summary>Ends the account's sign-ins and refuses new ones until an admin reactivates it.</summary>
    public async Task<IdentityResult> DeactivateAsync(StaffUser user)
    {
        user.DeactivatedAt ??= clock.GetUtcNow();
        // An emailed link (invitation or reset) outstanding now stops working for good: reactivation does not revive it.
        AccountLinks.UseUp(user);
        return await UpdateSecurityStampAsync(user);
    }

    public async Task<IdentityResult> ReactivateAsync(StaffUser user)
    {
        user.DeactivatedAt = null;
        return await UpdateUserAsync(user);
    }

    /// <summary>
    /// Whether the account as stored was changed outside the service: its seal does not hold
    /// (<see cref="StaffAccountSeals"/>). Such an account signs in as nobody, and only the operator's
    /// <c>repair-staff-account</c> changes it.
    /// </summary>
    public async Task<bool> IsChangedOutsideAsync(StaffUser user) =>
        await ((StaffUserStore)Store).StoredSealAsync(user.Id, CancellationToken) != SealState.Holds;

    /// <summary>Locks the account's row and reads it again (<see cref="StaffUserStore.LockAndReloadAsync"/>); commit the transaction returned, if any.</summary>
    public Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction?> LockAndReloadAsync(StaffUser user) =>
        ((StaffUserStore)Store).LockAndReloadAsync(user, CancellationToken);

    /// <summary>Lets this manager's writes seal an account changed outside the service, until disposed (operator repair, Development demo accounts).</summary>
    public IDisposable AllowResealing() => ((StaffUserStore)Store).AllowResealing();

    public override Task<IdentityResult> DeleteAsync(StaffUser user) =>
        throw new NotSupportedException("Staff accounts are never deleted, so the audit trail keeps their names; deactivate the account instead.");

    protected override async Task<IdentityResult> UpdateUserAsync(StaffUser user)
    {
        var result = await base.UpdateUserAsync(user);
        standings.Forget(user.Id);
        return result;
    }

    private async Task<IdentityResult> RotateIfSucceeded(StaffUser user, IdentityResult result) =>
        result.Succeeded ? await UpdateSecurityStampAsync(user) : result;
}
