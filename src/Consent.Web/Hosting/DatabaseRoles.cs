using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary>
/// The database's two roles. The owner (<c>ConnectionStrings:ConsentOwner</c>, e.g. consent_owner)
/// owns the schema and runs the migrations. The runtime role the service connects as
/// (<c>ConnectionStrings:Consent</c>; its name is <c>Database:RuntimeRole</c>, default consent_app)
/// owns nothing and is granted only what the service does, and on the append-only tables only
/// SELECT and INSERT: it can neither change history nor switch off the trigger that guards it.
/// </summary>
public static class DatabaseRoles
{
    public const string DefaultRuntimeRole = "consent_app";

    /// <summary>The role the grants go to (<c>Database:RuntimeRole</c>).</summary>
    public static string RuntimeRole(IConfiguration configuration) =>
        SettingsRegistration.Read<Settings.DatabaseOptions>(configuration, Settings.DatabaseOptions.Section).RuntimeRole is { Length: > 0 } role
            ? role : DefaultRuntimeRole;

    /// <summary>The owner's connection string (<c>ConnectionStrings:ConsentOwner</c>), or null when none is configured.</summary>
    public static string? OwnerConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("ConsentOwner") is { } owner && !string.IsNullOrWhiteSpace(owner) ? owner : null;

    /// <summary>A context on the owner's connection, unpooled: it runs once and is closed.</summary>
    public static ConsentDbContext OwnerContext(string ownerConnectionString)
    {
        var connection = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Pooling = false }.ConnectionString;
        var options = new DbContextOptionsBuilder<ConsentDbContext>();
        DatabaseRegistration.Configure(options, connection);
        return new ConsentDbContext(options.Options);
    }

    /// <summary>
    /// Applies the pending migrations as the owner, then grants the runtime role its privileges on
    /// every table (so tables a migration adds are covered too). Idempotent. Returns the migrations applied.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAndGrantAsync(ConsentDbContext owner, string runtimeRole, CancellationToken ct)
    {
        try
        {
            var pending = (await owner.Database.GetPendingMigrationsAsync(ct)).ToList();
            await owner.Database.MigrateAsync(ct);
            await GrantAsync(owner, runtimeRole, ct);
            return pending;
        }
        catch (PostgresException e)
        {
            throw new StartupProblemException($"Migrating as the owner role (ConnectionStrings:ConsentOwner) failed: {e.MessageText}");
        }
    }

    private static async Task GrantAsync(ConsentDbContext owner, string runtimeRole, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)owner.Database.GetDbConnection();
        await owner.Database.OpenConnectionAsync(ct);
        try
        {
            await using (var check = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1), current_user = $1", connection))
            {
                check.Parameters.Add(new NpgsqlParameter { Value = runtimeRole });
                await using var reader = await check.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                if (!reader.GetBoolean(0))
                {
                    throw new StartupProblemException(
                        $"The runtime role '{runtimeRole}' (Database:RuntimeRole) does not exist: create it as a LOGIN role that owns nothing (README, Deploying), then migrate again.");
                }

                if (reader.GetBoolean(1))
                {
                    throw new StartupProblemException(
                        $"ConnectionStrings:ConsentOwner connects as '{runtimeRole}', the runtime role itself: the owner must be another role.");
                }
            }

            await using var grant = new NpgsqlCommand(GrantSql(runtimeRole), connection);
            await grant.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await owner.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// What the runtime role may do: use the schema; read, add, change and remove rows of ordinary
    /// tables (staff accounts, sessions, outbox, keys...); only read and add rows of the append-only
    /// tables; change only the listed columns of the guarded tables and remove none of their rows;
    /// only read the migrations history; use sequences. Never TRUNCATE, REFERENCES or TRIGGER.
    /// Revoking a table's UPDATE also revokes its column grants, so running this again converges.
    /// </summary>
    internal static string GrantSql(string runtimeRole)
    {
        var role = QuoteIdentifier(runtimeRole);
        var appendOnly = string.Join(", ", AppendOnlyTables.Names.Select(QuoteIdentifier));
        var guarded = string.Concat(AppendOnlyTables.UpdatableColumns.Select(t =>
            $"REVOKE UPDATE, DELETE ON {QuoteIdentifier(t.Key)} FROM {role};\n" +
            $"GRANT UPDATE ({string.Join(", ", t.Value.Select(QuoteIdentifier))}) ON {QuoteIdentifier(t.Key)} TO {role};\n"));
        return $"""
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {role};
            REVOKE INSERT, UPDATE, DELETE ON "__EFMigrationsHistory" FROM {role};
            REVOKE UPDATE, DELETE ON {appendOnly} FROM {role};
            {guarded}
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA public FROM {role};
            """;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
