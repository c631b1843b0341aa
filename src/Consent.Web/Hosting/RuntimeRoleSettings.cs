using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary>
/// Session defaults stored for the service's runtime role (<c>ALTER ROLE … SET</c>) that would change
/// where its statements look or whether they may write. An ordinary role may set its own defaults
/// (PostgreSQL, ALTER ROLE: "Ordinary roles can change their own session defaults"), so whoever holds
/// the runtime role's password could make every new connection of the service resolve names in
/// another schema (<c>search_path</c>), refuse every write (<c>default_transaction_read_only</c>), or,
/// set by a superuser, skip the append-only trigger (<c>session_replication_role = replica</c>).
/// The service pins its search path in the connection (<see cref="DatabaseRegistration"/>); outside
/// Development it refuses to start while any of these defaults is stored, naming each and how to remove it.
/// </summary>
public static class RuntimeRoleSettings
{
    /// <summary>The settings that must come from the server's configuration, not from a default stored for the role.</summary>
    public static readonly IReadOnlyList<string> Guarded = ["search_path", "default_transaction_read_only", "session_replication_role"];

    // Stored defaults that apply to this role in this database: its own (in this database or in all),
    // and those for every role (ALTER ROLE ALL, ALTER DATABASE). pg_db_role_setting is readable by every role.
    private const string Sql = """
        SELECT current_user::text, current_database()::text, s.setrole <> 0, s.setdatabase <> 0, c.setting
        FROM pg_db_role_setting s
        CROSS JOIN unnest(s.setconfig) AS c(setting)
        WHERE s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_user))
          AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
          AND lower(split_part(c.setting, '=', 1)) = ANY($1)
        ORDER BY s.setrole DESC, s.setdatabase DESC, c.setting
        """;

    /// <summary>Each guarded default stored for the runtime role, with the command that removes it; empty when there is none.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(ConsentDbContext db, CancellationToken ct)
    {
        var problems = new List<string>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.Add(new NpgsqlParameter { Value = Guarded.ToArray() });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (role, database, forRole, inDatabase, setting) =
                    (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetString(4));
                var name = setting.Split('=', 2)[0];
                var scope = (forRole, inDatabase) switch
                {
                    (true, true) => $"ROLE {Quote(role)} IN DATABASE {Quote(database)}",
                    (true, false) => $"ROLE {Quote(role)}",
                    (false, true) => $"DATABASE {Quote(database)}",
                    (false, false) => "ROLE ALL",
                };
                problems.Add($"{setting} is stored for {(forRole ? role : "every role")} (remove it with ALTER {scope} RESET {name})");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return problems;
    }

    /// <summary>The operator's message for <paramref name="problems"/>.</summary>
    public static string Message(IReadOnlyList<string> problems) =>
        "The service's database role (ConnectionStrings:Consent) has stored session defaults that change where its statements "
        + $"look or whether they may write: {string.Join("; ", problems)}. Someone holding that role's password may have set them; "
        + "remove them (as a superuser, or as that role), look for what else was changed, and change the role's password.";

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
