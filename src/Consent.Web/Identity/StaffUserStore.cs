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
    ConsentDbContext context, AuthenticatorSecrets secrets, StaffAccountSeals seals, TimeProvider clock, IdentityErrorDescriber? describer = null)
    : UserStore<StaffUser, IdentityRole<Guid>, ConsentDbContext, Guid>(context, describer)
{
    public override Task SetTokenAsync(StaffUser user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : secrets.Protect(user.Id, loginProvider, name, value), cancellationToken);

    public override async Task<string?> GetTokenAsync(StaffUser user, string loginProvider, string name, CancellationToken cancellationToken) =>
        await base.GetTokenAsync(user, loginProvider, name, cancellationToken) is { } stored ? secrets.Unprotect(user.Id, loginProvider, name, stored) : null;

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
    public override async Task<IdentityResult> UpdateAsync(StaffUser user, CancellationToken cancellationToken = default)
    {
        if (!resealing && await StoredSealAsync(user.Id, cancellationToken) is var stored && stored != SealState.Holds)
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

        return result;
    }

    /// <summary>Seals the account as it is about to be saved and adds the next entry of its seal history, saved with it.</summary>
    private async Task<StaffAccountSealEntry> SealAsync(StaffUser user, CancellationToken ct)
    {
        user.AccountSeal = seals.Seal(user, await RolesAfterSaveAsync(Context, user.Id, ct));
        var last = await Context.StaffAccountSeals.Where(e => e.UserId == user.Id).MaxAsync(e => (long?)e.Seq, ct) ?? 0;
        var entry = seals.Entry(user.Id, last + 1, user.AccountSeal, clock.GetUtcNow());
        Context.StaffAccountSeals.Add(entry);
        return entry;
    }

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
    public IDisposable AllowResealing()
    {
        resealing = true;
        return new Reset(this);
    }

    /// <summary>What the seal stored now says over the account and roles stored now (not this context's pending changes).</summary>
    public async Task<SealState> StoredSealAsync(Guid userId, CancellationToken ct)
    {
        var stored = await Context.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (stored is null)
        {
            return SealState.Missing;
        }

        var roles = await Context.UserRoles.AsNoTracking().Where(ur => ur.UserId == userId)
            .Join(Context.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);
        return await seals.CheckStoredAsync(Context, stored, roles, ct);
    }

    /// <summary>
    /// The names of the account's roles as the database will hold them after the context's pending
    /// changes are saved: the stored ones, plus role rows added and less those removed in this context.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RolesAfterSaveAsync(ConsentDbContext db, Guid userId, CancellationToken ct)
    {
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
