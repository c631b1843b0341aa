using Consent.Web.Hosting;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Consent.Web.Tests.Hosting;

/// <summary>The connection settings the service adds, and what they rely on (docs/PERFORMANCE.md, P2 and P9; the search path: DatabaseRolesTests).</summary>
public sealed class DatabaseConnectionTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const long StartupLock = 7406020261127;

    [Fact]
    public void ConnectionString_AddsFailFastTimeout_AutoPrepare_NoReset_AndItsSearchPath()
    {
        var built = new NpgsqlConnectionStringBuilder(Build("Host=db;Database=consent;Username=consent"));
        Assert.Equal(3, built.Timeout);
        Assert.Equal(32, built.MaxAutoPrepare);
        Assert.True(built.NoResetOnClose);
        Assert.Equal("public", built.SearchPath);
    }

    [Fact]
    public void ConnectionString_KeepsWhatTheOperatorSet()
    {
        var built = new NpgsqlConnectionStringBuilder(Build("Host=db;Database=consent;Timeout=20;Max Auto Prepare=0;No Reset On Close=false;Search Path=clinic"));
        Assert.Equal("clinic", built.SearchPath);
        Assert.Equal(20, built.Timeout);
        Assert.Equal(0, built.MaxAutoPrepare);
        Assert.False(built.NoResetOnClose);
    }

    /// <remarks>
    /// Pooled connections are not reset, so a start-up lock left on one would stay held for as long
    /// as the pool keeps that connection, and a second node would wait for it forever.
    /// </remarks>
    [Fact]
    public async Task AfterStartup_TheStartupLockIsFree_ForAnotherNode()
    {
        using var client = factory.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        // Another pool (another application name), as a second node would have.
        var other = new NpgsqlConnectionStringBuilder(factory.ConnectionString) { ApplicationName = "second-node", Pooling = false };
        await using var connection = new NpgsqlConnection(other.ConnectionString);
        await connection.OpenAsync();
        await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({StartupLock})", connection);
        Assert.True((bool)(await take.ExecuteScalarAsync())!);
        await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({StartupLock})", connection);
        Assert.True((bool)(await release.ExecuteScalarAsync())!);
    }

    private static string Build(string connectionString) =>
        DatabaseRegistration.ConnectionString(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Consent"] = connectionString })
            .Build());
}
