using System.Globalization;
using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary><c>ConnectionStrings:ConsentRead</c>: the optional second data source for the auditor's reads.</summary>
public static class ReadSources
{
    public const string ConnectionName = "ConsentRead";

    /// <summary>Response header: <c>standby</c> or <c>primary</c>, where an auditor's read was served from.</summary>
    public const string SourceHeader = "Consent-Read-Source";

    /// <summary>Response header: at most how many seconds of commits the answer may lack (0: none committed before the request).</summary>
    public const string LagHeader = "Consent-Read-Lag";

    public static bool Valid(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return true;
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>
/// The read source's data source and context options, when <c>ConnectionStrings:ConsentRead</c> is set: typically
/// <c>Host=standby:5432,primary:5432;Target Session Attributes=prefer-standby</c>, so that reads go to a hot standby
/// while there is one and to the primary otherwise (https://www.npgsql.org/doc/failover-and-load-balancing.html).
/// </summary>
public sealed class ReadReplica : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource? dataSource;
    private readonly DbContextOptions<ConsentDbContext>? options;

    public ReadReplica(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ReadSources.ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        dataSource = new NpgsqlDataSourceBuilder(DatabaseRegistration.WithDefaults(connectionString).ConnectionString).Build();
        options = new DbContextOptionsBuilder<ConsentDbContext>().UseNpgsql(dataSource).UseSnakeCaseNamingConvention().Options;
    }

    public bool Configured => dataSource is not null;

    /// <summary>A new context on the read source (the caller disposes it).</summary>
    public ConsentDbContext CreateContext() =>
        new(options ?? throw new InvalidOperationException("No read source is configured (ConnectionStrings:ConsentRead)."));

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }
    }

    /// <summary>For a container disposed synchronously (a <c>using</c> scope): it refuses a service that is only IAsyncDisposable.</summary>
    public void Dispose() => dataSource?.Dispose();
}

/// <summary>Where a read was served from and at most how many seconds of commits it may lack.</summary>
public sealed record ReadFreshness(string Source, double LagSeconds, string Reason)
{
    public bool FromStandby => Source == "standby";
}

/// <summary>
/// Chooses, once per request, the database an auditor's search, timeline or export reads: the read source
/// (a hot standby) when it is fresh enough, else the primary.
/// </summary>
/// <remarks>
/// <para>
/// The rule (docs/RELIABILITY.md, "Replication"): whatever must be current reads the primary: every write, a
/// clinician's or patient's view of their own session, a record just issued, and every read when no read
/// source is set. The auditor's reads (the session search, a session's timeline and chain, the records export)
/// may read the standby, and then say how stale they may be. Before the read the primary's WAL position and
/// clock are read; the standby answers how far it has replayed. Standby replay at or past that position: the
/// read lacks nothing committed before the request began (lag 0). Behind it: it may lack at most what was
/// committed since the last transaction it replayed (<c>pg_last_xact_replay_timestamp()</c>, the primary's
/// commit time of that transaction, measured against the primary's clock): when that is more than
/// <c>Database:MaxReadLagSeconds</c> the read goes to the primary instead. A read source that cannot be
/// reached is skipped the same way. The answer carries <c>Consent-Read-Source</c> and <c>Consent-Read-Lag</c>.
/// </para>
/// <para>
/// A whole read (a timeline with its chain check, an export's two passes) runs in one transaction on one
/// connection of one server, so a standby's answer is stale at most, never inconsistent: the session row, its
/// events and records come from the same replayed moment and a chain still verifies.
/// PostgreSQL 15 docs: 27.4 "Hot Standby", 9.27.4 "Recovery Control Functions" (pg_last_wal_replay_lsn,
/// pg_last_xact_replay_timestamp).
/// </para>
/// </remarks>
public sealed class AuditReads(
    ConsentDbContext primary, ReadReplica replica, IOptions<DatabaseOptions> options, IHttpContextAccessor http, ILogger<AuditReads> logger)
    : IAsyncDisposable, IDisposable
{
    private ConsentDbContext? standby;

    /// <summary>The choice made for this request, once made.</summary>
    public ReadFreshness? Freshness { get; private set; }

    /// <summary>The context to read with: for an auditor as <see cref="ForAuditorAsync"/>, for anyone else the primary.</summary>
    public Task<ConsentDbContext> ForAsync(ClaimsPrincipal user, CancellationToken ct) =>
        user.IsInRole(StaffRoles.Auditor) ? ForAuditorAsync(ct) : Task.FromResult(primary);

    /// <summary>The read source when it is fresh enough by the rule above, else the primary.</summary>
    public async Task<ConsentDbContext> ForAuditorAsync(CancellationToken ct)
    {
        if (Freshness is not null)
        {
            return Freshness.FromStandby && standby is not null ? standby : primary;
        }

        if (!replica.Configured)
        {
            return Choose(null, new ReadFreshness("primary", 0, "no read source"));
        }

        var (target, primaryNow) = await PrimaryPositionAsync(ct);
        var context = replica.CreateContext();
        try
        {
            await context.Database.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= $1::pg_lsn, pg_last_xact_replay_timestamp()",
                (NpgsqlConnection)context.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var inRecovery = reader.GetBoolean(0);
            var caughtUp = !reader.IsDBNull(1) && reader.GetBoolean(1);
            DateTimeOffset? replayed = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
            await reader.DisposeAsync();
            if (!inRecovery || caughtUp)
            {
                return Choose(context, new ReadFreshness(inRecovery ? "standby" : "primary", 0, inRecovery ? "replayed everything" : "the read source is a primary"));
            }

            var lag = replayed is { } at ? Math.Max(0, (primaryNow - at).TotalSeconds) : double.PositiveInfinity;
            if (lag <= options.Value.MaxReadLagSeconds)
            {
                return Choose(context, new ReadFreshness("standby", lag, "behind, within Database:MaxReadLagSeconds"));
            }

            await context.DisposeAsync();
            return Choose(null, new ReadFreshness("primary", 0,
                $"the standby lags {(double.IsInfinity(lag) ? "an unknown time" : lag.ToString("0.0", CultureInfo.InvariantCulture) + " s")}, more than Database:MaxReadLagSeconds"));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            await context.DisposeAsync();
            logger.LogWarning("The read source could not be used ({Error}); the auditor's read goes to the primary.", e.GetType().Name);
            return Choose(null, new ReadFreshness("primary", 0, "the read source is unreachable"));
        }
    }

    /// <summary>
    /// The primary, for a read the standby answered "not found": what the auditor asks for may be newer than the
    /// standby (a session started within the lag). Not found on the standby is never the answer.
    /// </summary>
    public ConsentDbContext PrimaryAfterMiss() => Choose(null, new ReadFreshness("primary", 0, "not on the standby (yet)"), keepStandby: true);

    public async ValueTask DisposeAsync()
    {
        if (standby is not null)
        {
            await standby.DisposeAsync();
        }
    }

    /// <summary>
    /// For a scope disposed synchronously (<c>using var scope = services.CreateScope()</c>, as the audit command, the
    /// background monitors and tests do): the container throws for a scoped service that is only IAsyncDisposable.
    /// </summary>
    public void Dispose() => standby?.Dispose();

    /// <summary>The primary's current WAL write position and clock: everything committed before now is at or before that position.</summary>
    private async Task<(string Lsn, DateTimeOffset Now)> PrimaryPositionAsync(CancellationToken ct)
    {
        await primary.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text, clock_timestamp()", (NpgsqlConnection)primary.Database.GetDbConnection());
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
        }
        finally
        {
            await primary.Database.CloseConnectionAsync();
        }
    }

    private ConsentDbContext Choose(ConsentDbContext? fromStandby, ReadFreshness freshness, bool keepStandby = false)
    {
        // A context given out already is kept (and disposed with this scope) until the request ends.
        (standby, Freshness) = (keepStandby ? standby : fromStandby, freshness);
        if (keepStandby)
        {
            fromStandby = null;
        }

        if (http.HttpContext?.Response is { HasStarted: false } response)
        {
            response.Headers[ReadSources.SourceHeader] = freshness.Source;
            response.Headers[ReadSources.LagHeader] = freshness.LagSeconds.ToString("0.000", CultureInfo.InvariantCulture);
        }

        return fromStandby ?? primary;
    }
}
