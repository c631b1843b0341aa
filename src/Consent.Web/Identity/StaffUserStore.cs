using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// Identity's store for staff accounts: it keeps the tokens of <c>AspNetUserTokens</c> encrypted
/// (<see cref="AuthenticatorSecrets"/>) and renews the account's seal (<see cref="StaffAccountSeals"/>)
/// on every write of the account.
/// </summary>
/// <remarks>
/// The authenticator key and the key waiting for confirmation both pass through the two token
/// methods. Every change Identity makes to an account or its roles ends in <see cref="CreateAsync"/>
/// or <see cref="UpdateAsync"/> (a role added or removed is saved by the update that follows it),
/// so the seal is made there, over the roles the account will have once that save lands.
/// </remarks>
public sealed class StaffUserStore(
    ConsentDbContext context, AuthenticatorSecrets secrets, StaffAccountSeals seals, TimeProvider clock, ILogger<StaffUserStore> logger,
    IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole<Guid>, ConsentDbContext, Guid>(context, describer)
{
    public override Task SetTokenAsync(StaffUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : secrets.Protect(user.Id, loginProvider, name, value), cancellationToken);

    public override async Task<string?> GetTokenAsync(StaffUser user, string loginProvider, string name, CancellationToken cancellationToken) =>
        await base.GetTokenAsync(user, loginProvider, name, cancellationToken) is { } stored ? secrets.Unprotect(user.Id, loginProvider, name, stored) : null;

    /// <summary>
    /// No stored claims, ever: nothing the service writes goes to <c>AspNetUserClaims</c>, and a
    /// row planted there (<c>consent:2fa=true</c>) was copied into the sign-in and skipped the
    /// second factor. What a sign-in claims comes from the account's sealed fields and the sign-in
    /// itself (<see cref="StaffClaimsFactory"/>).
    /// </summary>
    public override Task<IList<System.Security.Claims.Claim>> GetClaimsAsync(StaffUser user, CancellationToken cancellationToken = default) =>
        Task.FromResult<IList<System.Security.Claims.Claim>>([]);

    /// <summary>
    /// A role looked up by its normalized name must carry that name: Identity finds roles by
    /// <c>normalized_name</c>, which no seal covers, and an attack that swapped the normalized names
    /// of Clinician and Admin made an admin's "Clinician" grant an Admin one (sealed as such).
    /// </summary>
    protected override async Task<IdentityRole<Guid>?> FindRoleAsync(string normalizedRoleName, CancellationToken cancellationToken)
    {
        var role = await base.FindRoleAsync(normalizedRoleName, cancellationToken);
        if (role is not null && !string.Equals(role.Name?.ToUpperInvariant(), normalizedRoleName, StringComparison.Ordinal))
        {
            logger.LogCritical("AUDIT ALERT: the role row {RoleId} named {Name} is found under the normalized name {Normalized}: AspNetRoles was changed outside the service. No role is granted or removed by that name.",
                role.Id, role.Name, normalizedRoleName);
            throw new InvalidOperationException($"The role '{normalizedRoleName}' is not stored as the service wrote it; see the AUDIT ALERT in the log.");
        }

        return role;
    }

    public override async Task<IdentityResult> CreateAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        // The id is sealed, so it is chosen here rather than by EF Core when the row is added.
        if (user.Id == Guid.Empty)
        {
            user.Id = Guid.CreateVersion7();
        }

        var entry = await SealAsync(user, cancellationToken);
        return Settled(entry, await SaveAsync(() => base.CreateAsync(user, cancellationToken)));
    }

    /// <summary>
    /// Saves the account with a new seal, but only when the seal stored now holds over the account
    /// and roles stored now: a change through the service must not seal what was changed outside it
    /// (an admin's routine edit would otherwise bless a role row planted in the database). Such an
    /// account is repaired by the operator (<see cref="AllowResealing"/>, <c>repair-staff-account</c>).
    /// </summary>
    /// <remarks>
    /// The check and the save run in one transaction holding the account's row lock (<c>FOR
    /// UPDATE</c>), which also holds off role rows being added for it (their foreign key takes a
    /// key-share lock on the row). Under the lock, both what is stored and what this request loaded
    /// must be the sealed state: otherwise a change made outside the service between the load and
    /// the save (or made before the load and undone after it) would be sealed with this one.
    /// </remarks>
    public override async Task<IdentityResult> UpdateAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        var own = Context.Database.CurrentTransaction is null ? await Context.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await Context.Database.ExecuteSqlAsync($"SELECT 1 FROM \"AspNetUsers\" WHERE id = {user.Id} FOR UPDATE", cancellationToken);
            if (!resealing && !await LoadedAndStoredHoldAsync(user, cancellationToken))
            {
                return IdentityResult.Failed(new IdentityError
                {
                    Code = UnsealedCode,
                    Description = "This account was changed outside the service, so it cannot be changed here: "
                        + "an operator must repair it with the command 'repair-staff-account'.",
                });
            }

            var sealBefore = user.AccountSeal;
            var entry = await SealAsync(user, cancellationToken);
            var result = Settled(entry, await SaveAsync(() => base.UpdateAsync(user, cancellationToken)));
            if (!result.Succeeded)
            {
                user.AccountSeal = sealBefore;
            }
            else if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }

            return result;
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync();
            }
        }
    }

    /// <summary>The stored account's seal holds and is the latest, and the account as this request loaded it is that same sealed state.</summary>
    private async Task<bool> LoadedAndStoredHoldAsync(StaffUser user, CancellationToken ct)
    {
        var (stored, roles, state) = await StoredAsync(user.Id, ct);
        if (state != SealState.Holds)
        {
            return false;
        }

        var tracked = Context.Entry(user);
        if (tracked.State == EntityState.Detached)
        {
            return true; // nothing loaded earlier: what is saved is sealed from what this request set
        }

        var loaded = (StaffUser)tracked.OriginalValues.ToObject();
        return string.Equals(loaded.AccountSeal, stored!.AccountSeal, StringComparison.Ordinal) && seals.Check(loaded, roles) == SealState.Holds;
    }

    /// <summary>The account and its role names as stored now (not this context's pending changes), and what its seal says of them.</summary>
    private async Task<(StaffUser? Stored, List<string> Roles, SealState State)> StoredAsync(Guid userId, CancellationToken ct)
    {
        var stored = await Context.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (stored is null)
        {
            return (null, [], SealState.Missing);
        }

        var roles = await StaffAccountSeals.StoredRolesAsync(Context, userId, ct);
        return (stored, roles, await seals.CheckStoredAsync(Context, stored, roles, ct));
    }

    private async Task<StaffAccountSealEntry> SealAsync(StaffUser user, CancellationToken ct) =>
        await seals.SealAsync(Context, user, await RolesAfterSaveAsync(user.Id, ct), clock.GetUtcNow(), ct);

    /// <summary>
    /// Two writes of one account at once both number their entry the same: the second save fails on
    /// the unique (account, number) index, which is the same concurrency failure Identity reports
    /// for a stale account (its concurrency stamp).
    /// </summary>
    private async Task<IdentityResult> SaveAsync(Func<Task<IdentityResult>> save)
    {
        try
        {
            return await save();
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation, TableName: "staff_account_seals" })
        {
            return IdentityResult.Failed(ErrorDescriber.ConcurrencyFailure());
        }
    }

    /// <summary>A save that failed leaves its entry out of the context, so no later save writes it.</summary>
    private IdentityResult Settled(StaffAccountSealEntry entry, IdentityResult result)
    {
        if (!result.Succeeded)
        {
            Context.Entry(entry).State = EntityState.Detached;
        }

        return result;
    }

    /// <summary>The error code of an update refused because the stored account's seal does not hold.</summary>
    public const string UnsealedCode = "AccountUnsealed";

    private bool resealing;

    /// <summary>
    /// Lets this store's updates seal an account whose stored seal does not hold, until disposed: for
    /// the operator's repair and upgrade commands and the Development demo accounts only.
    /// </summary>
    /// <summary>
    /// Locks the account's row and reads it again, so a change made from what is read now cannot be refused as "changed
    /// outside the service" because another request saved the account in between (parallel wrong passwords, parallel
    /// reset requests). Begins a transaction when there is none and returns it for the caller to commit; null when
    /// the caller's own transaction holds the lock.
    /// </summary>
    public async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction?> LockAndReloadAsync(StaffUser user, CancellationToken cancellationToken)
    {
        var own = Context.Database.CurrentTransaction is null ? await Context.Database.BeginTransactionAsync(cancellationToken) : null;
        await Context.Database.ExecuteSqlAsync($"SELECT 1 FROM \"AspNetUsers\" WHERE id = {user.Id} FOR UPDATE", cancellationToken);
        await Context.Entry(user).ReloadAsync(cancellationToken);
        return own;
    }

    public IDisposable AllowResealing()
    {
        resealing = true;
        return new Reset(this);
    }

    /// <summary>What the seal stored now says over the account and roles stored now (not this context's pending changes).</summary>
    public async Task<SealState> StoredSealAsync(Guid userId, CancellationToken ct) => (await StoredAsync(userId, ct)).State;

    /// <summary>
    /// The names of the account's roles as the database will hold them after the context's pending
    /// changes are saved: the stored ones, plus role rows added and less those removed in this context.
    /// </summary>
    private async Task<IReadOnlyList<string>> RolesAfterSaveAsync(Guid userId, CancellationToken ct)
    {
        var db = Context;
        var roleIds = (await db.UserRoles.AsNoTracking().Where(ur => ur.UserId == userId).Select(ur => ur.RoleId).ToListAsync(ct)).ToHashSet();
        foreach (var entry in db.ChangeTracker.Entries<IdentityUserRole<Guid>>().Where(e => e.Entity.UserId == userId))
        {
            if (entry.State == EntityState.Added)
            {
                roleIds.Add(entry.Entity.RoleId);
            }
            else if (entry.State == EntityState.Deleted)
            {
                roleIds.Remove(entry.Entity.RoleId);
            }
        }

        return roleIds.Count == 0 ? [] : await db.Roles.AsNoTracking().Where(r => roleIds.Contains(r.Id)).Select(r => r.Name!).ToListAsync(ct);
    }

    private sealed class Reset(StaffUserStore store) : IDisposable
    {
        public void Dispose() => store.resealing = false;
    }
}
