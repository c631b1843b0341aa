using Consent.Web.Hosting;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// Replication (docs/RELIABILITY.md, "Replication"): the multi-host write connection, the synchronous-commit policy
/// and its bounded wait, and what a failover's errors answer. The primary, the standby and the failover themselves
/// are exercised by scripts/fault-tests.sh d, e and f.
/// </summary>
public sealed class ReplicationTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public void AMultiHostConnectionString_KeepsItsHostsAndTarget_AndRechecksHostsSoon()
    {
        var built = new NpgsqlConnectionStringBuilder(Build(new()
        {
            ["ConnectionStrings:Consent"] = "Host=10.0.0.1:5432,10.0.0.2:5433;Database=consent;Username=consent_app;Target Session Attributes=read-write",
        }));

        Assert.Equal("10.0.0.1:5432,10.0.0.2:5433", built.Host);
        Assert.Equal("read-write", built.TargetSessionAttributes);
        Assert.Equal(2, built.HostRecheckSeconds);
        Assert.Equal(3, built.Timeout);
    }

    [Fact]
    public void AnOperatorsHostRecheck_IsKept_AndOneHostIsLeftAlone()
    {
        var kept = new NpgsqlConnectionStringBuilder(Build(new()
        {
            ["ConnectionStrings:Consent"] = "Host=a,b;Database=consent;Host Recheck Seconds=30",
        }));
        var single = new NpgsqlConnectionStringBuilder(Build(new() { ["ConnectionStrings:Consent"] = "Host=a;Database=consent" }));

        Assert.Equal(30, kept.HostRecheckSeconds);
        Assert.Equal(10, single.HostRecheckSeconds);
    }

    /// <remarks>PostgreSQL itself says what the connection's commits wait for.</remarks>
    [Fact]
    public async Task TheLocalPolicy_MakesTheServiceConnectionsCommitWithoutAStandby()
    {
        var local = Build(new() { ["ConnectionStrings:Consent"] = factory.ConnectionString, ["Database:SynchronousCommit"] = "local" });
        var waiting = Build(new() { ["ConnectionStrings:Consent"] = factory.ConnectionString });

        Assert.Equal("local", await ShowAsync(local, "synchronous_commit"));
        Assert.Equal("on", await ShowAsync(waiting, "synchronous_commit"));
    }

    /// <remarks>
    /// PostgreSQL answers a cancelled wait for the synchronous standby with a WARNING and a successful COMMIT: the
    /// commit here ignores the cancel and finishes late, as such a COMMIT does. Late is not confirmed.
    /// </remarks>
    [Fact]
    public async Task ACommitThatFinishesAfterTheTimeout_IsNotConfirmed_WhateverItAnswered()
    {
        var late = ConfirmedCommits.RunAsync(_ => Task.Delay(TimeSpan.FromSeconds(1.5), CancellationToken.None),
            TimeSpan.FromSeconds(0.3), CancellationToken.None);
        var inTime = ConfirmedCommits.RunAsync(_ => Task.CompletedTask, TimeSpan.FromSeconds(5), CancellationToken.None);

        await Assert.ThrowsAsync<CommitNotConfirmedException>(() => late);
        await inTime;
    }

    /// <remarks>A COMMIT that takes long on a real server (a deferred trigger that sleeps): cancelled at the timeout, and not confirmed.</remarks>
    [Fact]
    public async Task ASlowCommitOnTheServer_IsCancelledAtTheTimeout_AndNotConfirmed()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(factory.ServerConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using (var setUp = new NpgsqlCommand("""
            CREATE TEMP TABLE slow_commit (x int);
            CREATE FUNCTION pg_temp.sleep_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$;
            CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON slow_commit DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pg_temp.sleep_at_commit();
            BEGIN;
            INSERT INTO slow_commit VALUES (1);
            """, connection))
        {
            await setUp.ExecuteNonQueryAsync();
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<CommitNotConfirmedException>(() => ConfirmedCommits.CommitAsync(connection, TimeSpan.FromSeconds(0.5), CancellationToken.None));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2.5), $"the commit was not cut short: {started.Elapsed}");
    }

    /// <remarks>What a write sees during a failover: never a 500.</remarks>
    [Fact]
    public void FailoverErrors_Answer503()
    {
        Assert.Equal(StatusCodes.Status503ServiceUnavailable,
            ProblemExceptionHandler.Classify(new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006")).Status);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable,
            ProblemExceptionHandler.Classify(new PostgresException("the database system is in recovery mode", "FATAL", "FATAL", "57P03")).Status);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ProblemExceptionHandler.Classify(new NpgsqlException("No suitable host was found.")).Status);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable,
            ProblemExceptionHandler.Classify(new CommitNotConfirmedException(TimeSpan.FromSeconds(5), null)).Status);
    }

    private static string Build(Dictionary<string, string?> settings) =>
        DatabaseRegistration.ConnectionString(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

    private static async Task<string> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)(await show.ExecuteScalarAsync())!;
    }
}
