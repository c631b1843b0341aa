using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Hosting;

/// <summary>Registers the PostgreSQL database context from <c>ConnectionStrings:Consent</c>, the runtime role (DatabaseRoles).</summary>
public static class DatabaseRegistration
{
    public static IServiceCollection AddConsentDatabase(this IServiceCollection services)
    {
        services.AddDbContextPool<ConsentDbContext>((provider, options) =>
            Configure(options, ConnectionString(provider.GetRequiredService<IConfiguration>())));
        return services;
    }

    /// <summary>The context's provider and naming, for the service's pool and for the owner's migration context alike.</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();

    public static string ConnectionString(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Consent");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StartupProblemException(
                "No database configured: set ConnectionStrings__Consent (scripts/run.sh does this for a local PostgreSQL).");
        }

        // Fail fast while the database is away (the caller gets a 503 with Retry-After) instead of
        // holding requests for Npgsql's default 15 s; explicit settings in the string win.
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 3;
        }

        // Prepare the few statements a submission repeats on each pooled connection instead of
        // parsing and planning them per request (docs/PERFORMANCE.md, P2).
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
        }

        // Names resolve in the schema the migrations made, whatever search_path is stored for the role:
        // any role may ALTER ROLE itself SET search_path, and a setting sent when the connection starts
        // (Npgsql sends Search Path in the startup message) overrides one stored for the role or the
        // database. RuntimeRoleSettings refuses to start with such a stored setting outside Development.
        if (string.IsNullOrEmpty(builder.SearchPath))
        {
            builder.SearchPath = "public";
        }

        // A pooled connection is handed back as it was: the service keeps no session state on its
        // connections (no SET, no temporary tables; the start-up lock is released explicitly), so
        // Npgsql's reset - seven statements each time a connection is taken - buys nothing. It was a
        // third of the database's work per submission (docs/PERFORMANCE.md, P9).
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
