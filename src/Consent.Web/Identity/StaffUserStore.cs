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
public sealed class StaffUserStore(ConsentDbContext context, AuthenticatorSecrets secrets, StaffAccountSeals seals, IdentityErrorDescriber? describer = null)
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

        user.AccountSeal = seals.Seal(user, await RolesAfterSaveAsync(Context, user.Id, cancellationToken));
        return await base.CreateAsync(user, cancellationToken);
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
        user.AccountSeal = seals.Seal(user, await RolesAfterSaveAsync(Context, user.Id, cancellationToken));
        var result = await base.UpdateAsync(user, cancellationToken);
        if (!result.Succeeded)
        {
            user.AccountSeal = sealBefore;
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
        return seals.Check(stored, roles);
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
