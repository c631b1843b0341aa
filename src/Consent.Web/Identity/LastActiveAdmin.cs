using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// The clinic always keeps an active admin: a change that could take the last one away (a
/// deactivation, removing the Admin role) checks and changes under one database-wide lock.
/// </summary>
/// <remarks>
/// Checked without the lock, two admins deactivating each other at the same moment each saw the
/// other still active, both got 200, and no active admin was left; taking each other's Admin role
/// raced the same way. A PostgreSQL advisory transaction lock makes every such change wait for the
/// one before it to commit, on every node, so the check that follows reads what it left. It is
/// released with the transaction, also when a request fails.
/// </remarks>
public static class LastActiveAdmin
{
    /// <summary>The advisory lock's key: any number no other lock of the service uses (StartupLock has its own).</summary>
    private const long LockKey = 7406020261130;

    /// <summary>Runs <paramref name="change"/> in a transaction holding the lock; it should load what it changes itself, after the lock.</summary>
    public static async Task<T> SerializeAsync<T>(ConsentDbContext db, Func<Task<T>> change)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey})");
        var result = await change();
        await transaction.CommitAsync();
        return result;
    }

    /// <summary>
    /// Whether another admin exists who can use the role now, read from the database (not from
    /// tracked entities): active, with a password of its own (a temporary one gives no role,
    /// <see cref="StaffSignInCheck"/>), outside Development with a second factor on, and with a seal
    /// that holds (an account changed outside the service signs in as nobody,
    /// <see cref="StaffAccountSeals"/>). An admin who cannot act does not keep the clinic administered.
    /// </summary>
    public static async Task<bool> AnotherExistsAsync(ConsentDbContext db, StaffUserManager users, Guid userId)
    {
        var secondFactorRequired = users.AdminNeedsSecondFactor;
        var candidates = await db.Users.AsNoTracking().Where(u => u.Id != userId && u.DeactivatedAt == null && u.TemporaryPasswordExpiresAt == null
                && (!secondFactorRequired || u.TwoFactorEnabled)
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == StaffRoles.Admin)))
            .ToListAsync();
        foreach (var candidate in candidates)
        {
            if (!await users.IsChangedOutsideAsync(candidate))
            {
                return true;
            }
        }

        return false;
    }
}
