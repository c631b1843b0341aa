using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Hosting;

/// <summary>
/// The database-wide lock that nodes starting together (and the <c>migrate</c> command) take turns
/// on: migrations, roles, workflow versions and demo accounts are each set up once, never raced
/// into a duplicate key.
/// </summary>
public static class StartupLock
{
    private const string Lock = "SELECT pg_advisory_lock(7406020261127)";
    private const string Unlock = "SELECT pg_advisory_unlock(7406020261127)";

    /// <summary>
    /// Runs <paramref name="work"/> holding the lock on <paramref name="db"/>'s connection, which
    /// stays open throughout. The lock is released explicitly: pooled connections are not reset
    /// when they go back to the pool (DatabaseRegistration).
    /// </summary>
    public static async Task<T> HoldAsync<T>(ConsentDbContext db, Func<Task<T>> work)
    {
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync(Lock);
        try
        {
            return await work();
        }
        finally
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync(Unlock);
            }
            catch (Npgsql.NpgsqlException)
            {
                // The connection is gone, and the server released the lock with its session.
            }
        }
    }
}
