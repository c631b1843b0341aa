using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary>
/// Applies migrations as the owner role, checks the service's own role, names in the log what an
/// earlier version left unencrypted (the operator's <c>encrypt-key-ring</c> encrypts it), and seeds roles (always) and the demo accounts (Development only).
/// </summary>
public static class DatabaseStartup
{
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Consent.Startup");
        var db = services.GetRequiredService<ConsentDbContext>();

        // Nodes starting together take turns (StartupLock); every service below shares this scope's connection.
        try
        {
            await StartupLock.HoldAsync(db, async () =>
            {
                await MigrateAsync(app, db, logger);
                await CheckOwnRoleAsync(app, db, logger);
                await CheckNothingPendingAsync(db);
                await SeedAsync(app, services, db, logger);
                return true;
            });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            // A role without the runtime grants (say a NOINHERIT member of the owner, which holds
            // nothing until it runs SET ROLE) fails on its first read; say so instead of a stack trace.
            throw new StartupProblemException(
                $"The service's database role (ConnectionStrings:Consent) may not read or write the service's tables: {e.MessageText}. " +
                $"Connect as the runtime role ({DatabaseRoles.DefaultRuntimeRole}), which 'migrate' or start-up with ConnectionStrings__ConsentOwner grants what it needs (README, Deploying).");
        }
    }

    /// <summary>
    /// Migrates as <c>ConnectionStrings:ConsentOwner</c> when it is set. Without it the service does
    /// not change the schema (in Development only, the one string it has migrates, as it always did);
    /// <see cref="CheckNothingPendingAsync"/> then refuses to start while migrations are pending.
    /// </summary>
    private static async Task MigrateAsync(WebApplication app, ConsentDbContext db, ILogger logger)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Settings.DatabaseOptions>>().Value.MigrateOnStartup)
        {
            if (DatabaseRoles.OwnerConnectionString(app.Configuration) is { } owner)
            {
                await using var ownerDb = DatabaseRoles.OwnerContext(owner);
                await DatabaseRoles.MigrateAndGrantAsync(ownerDb, DatabaseRoles.RuntimeRole(app.Configuration), CancellationToken.None);
            }
            else if (app.Environment.IsDevelopment())
            {
                await MigrateWithOneRoleAsync(db, logger);
            }
        }
    }

    /// <summary>
    /// Runs after the role check, so a role that could rewrite history hears that, not a
    /// permission error from the migrations history it may not read.
    /// </summary>
    private static async Task CheckNothingPendingAsync(ConsentDbContext db)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        if (pending.Count > 0)
        {
            throw new StartupProblemException(
                $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}), and the service's own role does not change the schema. " +
                "Run 'Consent.Web.dll migrate' with ConnectionStrings__ConsentOwner set to the owner role's connection string, " +
                "or set ConnectionStrings__ConsentOwner so that start-up migrates.");
        }
    }

    private static async Task MigrateWithOneRoleAsync(ConsentDbContext db, ILogger logger)
    {
        // Only when something is pending: even with nothing to do, EF locks the migrations history
        // (LOCK TABLE ... ACCESS EXCLUSIVE), which a runtime role with only SELECT on it may not.
        if (!(await db.Database.GetPendingMigrationsAsync()).Any())
        {
            return;
        }

        logger.LogWarning("ConnectionStrings:ConsentOwner is not set: migrating with ConnectionStrings:Consent (Development only).");
        try
        {
            await db.Database.MigrateAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new StartupProblemException(
                $"ConnectionStrings:Consent may not change the schema ({e.MessageText}): set ConnectionStrings__ConsentOwner to the owner role's connection string.");
        }
    }

    private static async Task CheckOwnRoleAsync(WebApplication app, ConsentDbContext db, ILogger logger)
    {
        var rights = await RuntimeRoleCheck.ProblemsAsync(db, CancellationToken.None);
        var settings = await RuntimeRoleSettings.ProblemsAsync(db, CancellationToken.None);
        if (rights.Count == 0 && settings.Count == 0)
        {
            return;
        }

        var message = string.Join(" ", new[]
        {
            rights.Count > 0 ? RuntimeRoleCheck.Message(rights) : null,
            settings.Count > 0 ? RuntimeRoleSettings.Message(settings) : null,
        }.OfType<string>());
        if (!app.Environment.IsDevelopment())
        {
            throw new StartupProblemException(message + " Outside Development the service does not start this way.");
        }

        logger.LogWarning("{Problem} Outside Development the service would refuse to start.", message);
    }

    private static async Task SeedAsync(WebApplication app, IServiceProvider services, ConsentDbContext db, ILogger logger)
    {
        // Read the key ring now, so a refused row is named in the log at start, not at the first sign-in.
        _ = services.GetRequiredService<SealedKeyRing>().GetAllElements();
        var readable = await db.UserTokens.CountAsync(t => t.Value != null && !t.Value.StartsWith(AuthenticatorSecrets.Prefix));
        if (readable > 0)
        {
            logger.LogWarning(
                "{Count} authenticator key(s) an earlier version stored readable in the database still work, but anyone with a copy of the database can read them: run 'encrypt-key-ring' once.",
                readable);
        }

        await DemoAccounts.EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole<Guid>>>());

        await WorkflowVersions.WorkflowSync.SyncAsync(
            db,
            services.GetRequiredService<WorkflowVersions.WorkflowRegistry>(),
            services.GetRequiredService<WorkflowVersions.ReviewSeals>(),
            services.GetRequiredService<TimeProvider>(),
            approveNewVersions: app.Environment.IsDevelopment() && app.Configuration.GetValue("Workflows:ApproveInDevelopment", true));

        var demoPassword = app.Configuration["CONSENT_DEMO_PASSWORD"];
        if (app.Environment.IsDevelopment() && !string.IsNullOrEmpty(demoPassword))
        {
            await DemoAccounts.EnsureDemoAccountsAsync(
                services.GetRequiredService<StaffUserManager>(), demoPassword, services.GetRequiredService<TimeProvider>(), logger,
                services.GetRequiredService<TrainingAttestation>());
            logger.LogInformation("Demo staff accounts are ready (Development only).");
        }
    }
}
