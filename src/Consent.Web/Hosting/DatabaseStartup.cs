using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Hosting;

/// <summary>
/// Applies migrations, encrypts any Data Protection key an earlier version stored readable, and
/// seeds roles (always) and the demo accounts (Development only).
/// </summary>
public static class DatabaseStartup
{
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Consent.Startup");
        var db = services.GetRequiredService<ConsentDbContext>();

        // Nodes starting together take turns: migrations, roles, workflow versions and demo accounts
        // are each set up once, never raced into a duplicate key. The lock lives on this scope's
        // connection, which every service below shares. It is released explicitly: pooled
        // connections are not reset when they go back to the pool (DatabaseRegistration).
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(7406020261127)");
        try
        {
            await PrepareLockedAsync(app, services, db, logger);
        }
        finally
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(7406020261127)");
            }
            catch (Npgsql.NpgsqlException)
            {
                // The connection is gone, and the server released the lock with its session.
            }
        }
    }

    private static async Task PrepareLockedAsync(WebApplication app, IServiceProvider services, ConsentDbContext db, ILogger logger)
    {
        if (app.Configuration.GetValue("Database:MigrateOnStartup", true))
        {
            await db.Database.MigrateAsync();
        }

        var encrypted = await KeyRingAtRest.EncryptReadableKeysAsync(
            db, services.GetRequiredService<KeyEncryption>(), services.GetRequiredService<ILoggerFactory>(), CancellationToken.None);
        if (encrypted > 0)
        {
            logger.LogWarning(
                "Encrypted {Count} Data Protection key(s) that were stored readable in the database. Copies of the database made before now still hold them readable.",
                encrypted);
        }

        await DemoAccounts.EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole<Guid>>>());

        await Workflows.WorkflowSync.SyncAsync(
            db,
            services.GetRequiredService<Workflows.WorkflowRegistry>(),
            services.GetRequiredService<TimeProvider>(),
            approveNewVersions: app.Environment.IsDevelopment() && app.Configuration.GetValue("Workflows:ApproveInDevelopment", true));

        var demoPassword = app.Configuration["CONSENT_DEMO_PASSWORD"];
        if (app.Environment.IsDevelopment() && !string.IsNullOrEmpty(demoPassword))
        {
            await DemoAccounts.EnsureDemoAccountsAsync(
                services.GetRequiredService<UserManager<StaffUser>>(), demoPassword, services.GetRequiredService<TimeProvider>());
            logger.LogInformation("Demo staff accounts are ready (Development only).");
        }
    }
}
