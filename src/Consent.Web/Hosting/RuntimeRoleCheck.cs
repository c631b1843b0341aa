using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary>
/// Checks the role the service itself connects as. A superuser, an owner of an append-only table or
/// of the schema holding it (directly or through role membership), or a role that may update,
/// delete or truncate history could rewrite the event log and recompute its hashes; a role that may
/// change a workflow version's hash could make a changed workflow file pass as the published one.
/// Outside Development the service refuses to start as one; in Development it warns.
/// </summary>
public static class RuntimeRoleCheck
{
    private const string Sql = """
        SELECT current_user::text, r.rolsuper,
               r.rolcreaterole AND current_setting('server_version_num')::int < 160000,
               t.name, pg_get_userbyid(c.relowner)::text, coalesce(pg_has_role(c.relowner, 'MEMBER'), false),
               n.nspname::text, pg_get_userbyid(n.nspowner)::text, coalesce(pg_has_role(n.nspowner, 'MEMBER'), false),
               coalesce(has_any_column_privilege(c.oid, 'UPDATE'), false),
               coalesce(has_table_privilege(c.oid, 'DELETE'), false),
               coalesce(has_table_privilege(c.oid, 'TRUNCATE'), false)
        FROM pg_roles r
        CROSS JOIN unnest($1::text[]) AS t(name)
        JOIN pg_class c ON c.oid = to_regclass(t.name)
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE r.rolname = current_user
        """;

    // Columns of a guarded table (AppendOnlyTables.UpdatableColumns) the role may change beyond those it needs, and whether it may delete rows.
    private const string GuardedSql = """
        SELECT current_user::text, coalesce(has_table_privilege(c.oid, 'DELETE'), false),
               coalesce(string_agg(a.attname::text, ', ' ORDER BY a.attnum)
                 FILTER (WHERE has_column_privilege(c.oid, a.attnum, 'UPDATE') AND a.attname <> ALL($2)), '')
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE c.oid = to_regclass($1)
        GROUP BY c.oid
        """;

    /// <summary>Everything the service's own role could do to history, in plain language; empty when it can only read and append.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(ConsentDbContext db, CancellationToken ct)
    {
        var problems = new List<string>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using (var command = new NpgsqlCommand(Sql, connection))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = AppendOnlyTables.Names.ToArray() });
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    Describe(reader, problems);
                }
            }

            foreach (var (table, columns) in AppendOnlyTables.UpdatableColumns)
            {
                await DescribeGuardedAsync(connection, table, columns, problems, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return problems.Distinct().ToList();
    }

    /// <summary>The operator's message for <paramref name="problems"/>: what is wrong and which role to use instead.</summary>
    public static string Message(IReadOnlyList<string> problems) =>
        $"The service's database role (ConnectionStrings:Consent) could rewrite history: {string.Join("; ", problems)}. " +
        "Connect the service as a role that owns nothing and may only read and append to the event log " +
        $"({DatabaseRoles.DefaultRuntimeRole}), and give the owner role to ConnectionStrings:ConsentOwner (README, Deploying). " +
        "If it is that role already, its grants may come from an older version: run 'Consent.Web.dll migrate' as the owner to renew them.";

    private static async Task DescribeGuardedAsync(
        NpgsqlConnection connection, string table, IReadOnlyList<string> columns, List<string> problems, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(GuardedSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        command.Parameters.Add(new NpgsqlParameter { Value = columns.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return;
        }

        var role = reader.GetString(0);
        if (reader.GetString(2) is { Length: > 0 } more)
        {
            problems.Add($"{role} may UPDATE {more} of {table} (the service changes only {string.Join(", ", columns)})");
        }

        if (reader.GetBoolean(1))
        {
            problems.Add($"{role} may DELETE {table}");
        }
    }

    private static void Describe(NpgsqlDataReader row, List<string> problems)
    {
        var role = row.GetString(0);
        if (row.GetBoolean(1))
        {
            problems.Add($"{role} is a superuser, so it can switch off the append-only trigger");
            return;
        }

        if (row.GetBoolean(2))
        {
            problems.Add($"{role} has CREATEROLE, so on PostgreSQL 15 it can grant itself the owner's role");
        }

        var (table, owner, schema, schemaOwner) = (row.GetString(3), row.GetString(4), row.GetString(6), row.GetString(7));
        if (row.GetBoolean(5))
        {
            problems.Add(owner == role
                ? $"{role} owns {table}, so it can disable or drop its trigger"
                : $"{role} can act as {owner}, the owner of {table} (role membership), so it can disable or drop its trigger");
            return;
        }

        if (row.GetBoolean(8))
        {
            problems.Add(schemaOwner == role
                ? $"{role} owns the schema {schema}, so it can drop and replace {table}"
                : $"{role} can act as {schemaOwner}, the owner of the schema {schema} (role membership or database ownership), so it can drop and replace {table}");
        }

        var rights = new[] { (row.GetBoolean(9), "UPDATE"), (row.GetBoolean(10), "DELETE"), (row.GetBoolean(11), "TRUNCATE") }
            .Where(r => r.Item1).Select(r => r.Item2).ToList();
        if (rights.Count > 0)
        {
            problems.Add($"{role} may {string.Join(", ", rights)} {table}");
        }
    }
}
