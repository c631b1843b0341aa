using Consent.Web.Hosting;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// The two database roles at start-up: the owner migrates (start-up or the <c>migrate</c> command)
/// and grants; the service checks its own role and, outside Development, refuses one that could
/// rewrite history, saying why.
/// </summary>
public sealed class DatabaseRolesTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Theory]
    [InlineData("superuser", "is a superuser")]
    [InlineData("owner", $"{ConsentWebFactory.OwnerRole} owns consent_events")]
    [InlineData("member of the owner", $"can act as {ConsentWebFactory.OwnerRole}, the owner of consent_events")]
    [InlineData("NOINHERIT member of the owner", $"can act as {ConsentWebFactory.OwnerRole}, the owner of consent_events")]
    public async Task OutsideDevelopment_TheServiceRefusesARoleThatCouldRewriteHistory_AndSaysWhy(string who, string why)
    {
        var member = "consent_member_" + Guid.NewGuid().ToString("N")[..8];
        var connection = who switch
        {
            "superuser" => new NpgsqlConnectionStringBuilder(factory.ServerConnectionString) { Database = factory.DatabaseName }.ConnectionString,
            "owner" => factory.OwnerConnectionString,
            _ => new NpgsqlConnectionStringBuilder(factory.ConnectionString) { Username = member }.ConnectionString,
        };
        // A NOINHERIT member holds none of the owner's privileges until it runs SET ROLE, so it
        // cannot even read the migrations history; the check must still be what it hears.
        var inherit = who.StartsWith("NOINHERIT", StringComparison.Ordinal) ? "NOINHERIT" : "INHERIT";
        await ServerAsync($"CREATE ROLE {member} LOGIN {inherit} IN ROLE {ConsentWebFactory.OwnerRole}");
        try
        {
            var result = await ServiceProcess.StartAsync(Production(connection));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("could rewrite history", result.Error, StringComparison.Ordinal);
            Assert.Contains(why, result.Error, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings:ConsentOwner", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ServerAsync($"DROP ROLE {member}");
        }
    }

    /// <summary>
    /// Grants left wider than the service needs (by an older version, or by hand): changing or
    /// removing ethics decisions, changing a workflow version's hash.
    /// </summary>
    [Fact]
    public async Task OutsideDevelopment_TheServiceRefusesARoleThatMayChangeDecisionsOrAVersionsHash_AndSaysWhy()
    {
        var app = ConsentWebFactory.RuntimeRole;
        await OwnerAsync($"GRANT UPDATE, DELETE ON workflow_reviews TO {app}; GRANT UPDATE (hash, source_path) ON workflow_versions TO {app}");
        try
        {
            var result = await ServiceProcess.StartAsync(Production(factory.ConnectionString));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"{app} may UPDATE, DELETE workflow_reviews", result.Error, StringComparison.Ordinal);
            Assert.Contains($"{app} may UPDATE hash, source_path of workflow_versions (the service changes only approval)", result.Error, StringComparison.Ordinal);
            Assert.Contains("migrate", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        }
        finally
        {
            await OwnerAsync($"REVOKE UPDATE, DELETE ON workflow_reviews FROM {app}; REVOKE UPDATE (hash, source_path) ON workflow_versions FROM {app}");
        }
    }

    /// <summary>
    /// The runtime role may store session defaults for itself: <c>search_path = evil</c> broke every
    /// new connection of the service, and <c>default_transaction_read_only</c> would refuse every
    /// write. A superuser may also store <c>session_replication_role = replica</c>, which skips the
    /// append-only trigger. Outside Development the service now refuses to start, naming the setting
    /// and the command that removes it.
    /// </summary>
    [Theory]
    [InlineData("search_path", "evil", true)]
    [InlineData("default_transaction_read_only", "on", true)]
    [InlineData("session_replication_role", "replica", false)]
    public async Task OutsideDevelopment_TheServiceRefusesStoredSessionDefaultsOfItsRole_AndSaysHowToRemoveThem(string setting, string value, bool byTheRoleItself)
    {
        var alter = $"ALTER ROLE {ConsentWebFactory.RuntimeRole} IN DATABASE {factory.DatabaseName} SET {setting} = {value}";
        if (byTheRoleItself)
        {
            await using var db = await factory.OpenDatabaseAsync();
            await using var command = new NpgsqlCommand(alter, db);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            await ServerAsync(alter);
        }

        try
        {
            var result = await ServiceProcess.StartAsync(Production(factory.ConnectionString));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"{setting}={value} is stored for {ConsentWebFactory.RuntimeRole}", result.Error, StringComparison.Ordinal);
            Assert.Contains($"ALTER ROLE \"{ConsentWebFactory.RuntimeRole}\" IN DATABASE \"{factory.DatabaseName}\" RESET {setting}", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ServerAsync($"ALTER ROLE {ConsentWebFactory.RuntimeRole} IN DATABASE {factory.DatabaseName} RESET {setting}");
        }
    }

    /// <summary>
    /// The service's connections send their search path when they start, which wins over one stored
    /// for the role: with <c>search_path = evil</c> stored, a plain connection of the role no longer
    /// finds the tables, the service's own still does; in Development the service starts and warns.
    /// </summary>
    [Fact]
    public async Task TheServicesConnections_PinTheirSearchPath_OverOneStoredForTheRole()
    {
        await using (var db = await factory.OpenDatabaseAsync())
        await using (var alter = new NpgsqlCommand($"ALTER ROLE CURRENT_USER IN DATABASE {factory.DatabaseName} SET search_path = evil", db))
        {
            await alter.ExecuteNonQueryAsync();
        }

        try
        {
            var pinned = DatabaseRegistration.ConnectionString(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Consent"] = factory.ConnectionString }).Build());
            Assert.Equal("public", await ScalarAsync(pinned, "SHOW search_path"));
            Assert.Equal(0L, await ScalarAsync(pinned, "SELECT count(*) FROM consent_events WHERE false"));
            var plain = new NpgsqlConnectionStringBuilder(factory.ConnectionString) { Pooling = false }.ConnectionString;
            Assert.Equal("evil", await ScalarAsync(plain, "SHOW search_path"));
            var lost = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(plain, "SELECT count(*) FROM consent_events"));
            Assert.Equal(PostgresErrorCodes.UndefinedTable, lost.SqlState);

            var development = await ServiceProcess.StartAsync(Development(factory.ConnectionString));
            Assert.True(development.ExitCode == 0, development.All);
            Assert.Contains("search_path=evil is stored for", development.All, StringComparison.Ordinal);
            Assert.Contains("would refuse to start", development.All, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ServerAsync($"ALTER ROLE {ConsentWebFactory.RuntimeRole} IN DATABASE {factory.DatabaseName} RESET search_path");
        }
    }

    [Fact]
    public async Task OutsideDevelopment_TheRuntimeRoleStarts()
    {
        var result = await ServiceProcess.StartAsync(Production(factory.ConnectionString));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotContain("could rewrite history", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InDevelopment_ASuperuserRole_OnlyWarns()
    {
        var superuser = new NpgsqlConnectionStringBuilder(factory.ServerConnectionString) { Database = factory.DatabaseName }.ConnectionString;

        var result = await ServiceProcess.StartAsync(Development(superuser));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("could rewrite history", result.All, StringComparison.Ordinal);
        Assert.Contains("is a superuser", result.All, StringComparison.Ordinal);
        Assert.Contains("would refuse to start", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMigrateCommand_MigratesAsTheOwner_AndGrantsTheRuntimeRole_WithoutWhichPendingMigrationsStopStartUp()
    {
        var database = "consent_migrate_" + Guid.NewGuid().ToString("N")[..12];
        await ServerAsync($"CREATE DATABASE {database} OWNER {ConsentWebFactory.OwnerRole}");
        try
        {
            var runtime = new NpgsqlConnectionStringBuilder(factory.ConnectionString) { Database = database }.ConnectionString;
            var owner = new NpgsqlConnectionStringBuilder(factory.OwnerConnectionString) { Database = database }.ConnectionString;

            var refused = await ServiceProcess.StartAsync(Production(runtime));
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("lacks", refused.Error, StringComparison.Ordinal);
            Assert.Contains("migrate", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.All, StringComparison.Ordinal);

            var withoutOwner = await ServiceProcess.RunAsync(Production(runtime), "migrate");
            Assert.Equal(2, withoutOwner.ExitCode);
            Assert.Contains("ConnectionStrings__ConsentOwner", withoutOwner.Error, StringComparison.Ordinal);

            var migrate = Production(runtime);
            migrate["ConnectionStrings__ConsentOwner"] = owner;
            var first = await ServiceProcess.RunAsync(migrate, "migrate");
            var again = await ServiceProcess.RunAsync(migrate, "migrate");
            Assert.True(first.ExitCode == 0, first.All);
            Assert.Contains("Applied", first.Output, StringComparison.Ordinal);
            Assert.True(again.ExitCode == 0, again.All);
            Assert.Contains("No migrations were pending.", again.Output, StringComparison.Ordinal);

            await using (var db = new NpgsqlConnection(owner))
            {
                await db.OpenAsync();
                await using var query = new NpgsqlCommand("""
                    SELECT (SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class WHERE relnamespace = 'public'::regnamespace),
                           (SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants
                             WHERE grantee = @app AND table_name = 'consent_events')
                    """, db);
                query.Parameters.AddWithValue("app", ConsentWebFactory.RuntimeRole);
                await using var reader = await query.ExecuteReaderAsync();
                await reader.ReadAsync();
                Assert.Equal(ConsentWebFactory.OwnerRole, reader.GetString(0));
                Assert.Equal("INSERT,SELECT", reader.GetString(1));
            }

            // The operator's first admin, before the service has ever started on this database (which
            // is when the roles used to be made): created with its role, not left role-less.
            var operatorEnvironment = Production(runtime);
            operatorEnvironment["CONSENT_STAFF_PASSWORD"] = "a long walk at dusk 7";
            var firstAdmin = await ServiceProcess.RunAsync(operatorEnvironment, "create-staff-account", "first.admin@example.org", "First Admin", "Admin");
            Assert.True(firstAdmin.ExitCode == 0, firstAdmin.All);
            Assert.Contains("roles Admin", firstAdmin.Output, StringComparison.Ordinal);
            Assert.Equal("Admin", await ScalarAsync(owner, """
                SELECT string_agg(r.name, ',') FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON r.id = ur.role_id
                JOIN "AspNetUsers" u ON u.id = ur.user_id WHERE u.email = 'first.admin@example.org'
                """));

            var started = await ServiceProcess.StartAsync(Production(runtime));
            Assert.True(started.ExitCode == 0, started.All);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ServerAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    /// <summary>
    /// Development with one connection string (no owner): that string migrates, with a warning, as
    /// the service always did; if its role may not create tables, start-up says to set the owner's.
    /// </summary>
    [Fact]
    public async Task InDevelopment_OneConnectionString_Migrates_OrSaysToSetTheOwnersWhenItMayNot()
    {
        var database = "consent_onestring_" + Guid.NewGuid().ToString("N")[..12];
        await ServerAsync($"CREATE DATABASE {database} OWNER {ConsentWebFactory.OwnerRole}");
        try
        {
            var runtime = Development(new NpgsqlConnectionStringBuilder(factory.ConnectionString) { Database = database }.ConnectionString);
            var owner = Development(new NpgsqlConnectionStringBuilder(factory.OwnerConnectionString) { Database = database }.ConnectionString);

            var refused = await ServiceProcess.StartAsync(runtime);
            var migrated = await ServiceProcess.StartAsync(owner);

            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("may not change the schema", refused.Error, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings__ConsentOwner", refused.Error, StringComparison.Ordinal);
            Assert.True(migrated.ExitCode == 0, migrated.All);
            Assert.Contains("migrating with ConnectionStrings:Consent (Development only)", migrated.All, StringComparison.Ordinal);
            Assert.Contains($"{ConsentWebFactory.OwnerRole} owns consent_events", migrated.All, StringComparison.Ordinal);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ServerAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static Dictionary<string, string> Development(string connection)
    {
        var environment = Production(connection);
        environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        return environment;
    }

    /// <summary>The service as deployed: Production, the test signing and key-encryption certificates, only the runtime connection string.</summary>
    private static Dictionary<string, string> Production(string connection) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__Consent"] = connection,
        ["ConnectionStrings__ConsentOwner"] = "",
        ["Signing__CertificatePath"] = TestSigningCertificate.Path,
        ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
        ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        ["Audit__IntervalMinutes"] = "0",
    };

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task OwnerAsync(string sql)
    {
        await using var connection = await factory.OpenOwnerDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task ServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(factory.ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
