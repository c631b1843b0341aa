using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Hosting;

/// <summary>Registers the PostgreSQL database context from <c>ConnectionStrings:Consent</c>, the runtime role (DatabaseRoles).</summary>
public static class DatabaseRegistration
{
    public static IServiceCollection AddConsentDatabase(this IServiceCollection services)
    {
        services.AddDbContextPool<ConsentDbContext>((provider, options) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            Configure(options, ConnectionString(configuration), CommitTimeout(configuration));
        });
        services.AddSingleton<ReadReplica>();
        services.AddScoped<AuditReads>();
        return services;
    }

    /// <summary>
    /// The context's provider and naming, for the service's pool and for the owner's migration context alike;
    /// with <paramref name="commitTimeout"/>, its commits wait at most that long for the synchronous standby (<see cref="ConfirmedCommits"/>).
    /// </summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString, TimeSpan? commitTimeout = null)
    {
        options.UseNpgsql(connectionString).UseSnakeCaseNamingConvention();
        if (commitTimeout is { } timeout)
        {
            options.AddInterceptors(new ConfirmedCommitInterceptor(timeout));
        }
    }

    /// <summary><c>Database:SynchronousCommitTimeoutSeconds</c>, as bound (the settings check has refused a bad value before any request).</summary>
    public static TimeSpan CommitTimeout(IConfiguration configuration) =>
        SettingsRegistration.Read<Settings.DatabaseOptions>(configuration, Settings.DatabaseOptions.Section).CommitTimeout;

    public static string ConnectionString(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Consent");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StartupProblemException(
                "No database configured: set ConnectionStrings__Consent (scripts/run.sh does this for a local PostgreSQL).");
        }

        var builder = WithDefaults(connectionString);

        // Database:SynchronousCommit=local: this service's transactions do not wait for a synchronous
        // standby (PostgreSQL's synchronous_commit is a per-session setting any role may change; it is sent
        // in the startup message). The operator's other way is to empty synchronous_standby_names on the
        // primary (docs/RELIABILITY.md, "Replication").
        if (string.Equals(configuration["Database:SynchronousCommit"], "local", StringComparison.OrdinalIgnoreCase))
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=local" : builder.Options + " -c synchronous_commit=local";
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// The service's defaults for a connection string where it does not say otherwise: a short connect timeout,
    /// prepared statements, <c>Search Path=public</c>, no reset on close and, with several hosts, a short
    /// recheck of which one is the primary.
    /// </summary>
    public static Npgsql.NpgsqlConnectionStringBuilder WithDefaults(string connectionString)
    {

        // Fail fast while the database is away (the caller gets a 503 with Retry-After) instead of
        // holding requests for Npgsql's default 15 s; explicit settings in the string win.
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        // Several hosts (Host=a:5432,b:5432) with Target Session Attributes=read-write: Npgsql opens each new
        // connection on whichever host is the primary now (https://www.npgsql.org/doc/failover-and-load-balancing.html).
        // It remembers each host's state (primary, standby, offline) for Host Recheck Seconds, 10 by default;
        // after a failover that is up to 10 s in which the promoted standby is still taken for a standby and
        // every write is refused. Two seconds bounds that, at the cost of a state check that PostgreSQL 14+
        // answers in the startup reply anyway (in_hot_standby is reported).
        if (builder.Host?.Contains(',', StringComparison.Ordinal) == true && !connectionString.Contains("Recheck", StringComparison.OrdinalIgnoreCase))
        {
            builder.HostRecheckSeconds = 2;
        }

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

        return builder;
    }
}
