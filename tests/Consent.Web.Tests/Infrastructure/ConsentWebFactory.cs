using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Hosts the real service against its own fresh PostgreSQL database and drops it afterwards. The
/// database is created with CONSENT_TEST_CONNECTION (a superuser; scripts/test.sh sets it) and owned
/// by the owner role, which migrates it; the service runs as the runtime role, as deployed.
/// </summary>
public class ConsentWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string DemoPassword = "test-demo-password-42";

    /// <summary>The roles scripts/lib/common.sh's pg_start creates on every local cluster.</summary>
    public const string OwnerRole = "consent_owner";

    public const string RuntimeRole = "consent_app";

    public ConsentWebFactory()
    {
        var server = Environment.GetEnvironmentVariable("CONSENT_TEST_CONNECTION");
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                "CONSENT_TEST_CONNECTION is not set: run the tests with scripts/test.sh, which starts a throwaway PostgreSQL.");
        }

        ServerConnectionString = server;
        DatabaseName = "consent_test_" + Guid.NewGuid().ToString("N")[..16];
        ConnectionString = As(RuntimeRole);
        OwnerConnectionString = As(OwnerRole);
    }

    /// <summary>Every line the service logged (at the levels its configuration lets through), as an operator would read them.</summary>
    public ConcurrentQueue<string> LogLines { get; } = new();

    /// <summary>The superuser's connection to the server's maintenance database.</summary>
    public string ServerConnectionString { get; }

    public string DatabaseName { get; }

    /// <summary>The runtime role's connection to this factory's database: what the service uses.</summary>
    public string ConnectionString { get; }

    /// <summary>The owner role's connection: what migrates, and what an attack by a table owner uses.</summary>
    public string OwnerConnectionString { get; }

    protected virtual string EnvironmentName => "Development";

    /// <summary>Extra settings; by default abuse limits high enough that tests measure behaviour, not throttling.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits:LoginPerMinute"] = "100000",
        ["RateLimits:PatientVerifyPerMinute"] = "100000",
        ["RateLimits:PatientRequestsPerMinute"] = "100000",
        ["RateLimits:RecordChecksPerMinute"] = "100000",
    };

    /// <summary>
    /// Whether the hosted outbox worker runs (issuing records, sending mail, expiring sessions in the
    /// background). Off unless the test is about what it does: otherwise it races a test that runs
    /// jobs itself (ExpiryTests) and adds work nobody waits for.
    /// </summary>
    protected virtual bool RunsOutboxWorker => false;

    /// <summary>
    /// Whether the periodic audit runs (a full audit 20 s after start, then every 15 minutes). Off
    /// unless the test is about it: otherwise every host audits everything mid-test, also while
    /// LargeExportTests measures memory.
    /// </summary>
    protected virtual bool RunsPeriodicAudit => false;

    /// <summary>
    /// Whether the renewal job runs on its own (30 s after start, then hourly). Off unless the test is about it
    /// (RenewalMailTests): tests that need it run it themselves (<c>ConsentRenewals.ScanAsync</c>).
    /// </summary>
    protected virtual bool RunsRenewalJob => false;

    /// <summary>Where the service reads workflows/ and templates/ from; the repository unless a test copies them.</summary>
    public virtual string RepositoryRootPath => RepositoryRoot.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Consent", ConnectionString);
        builder.UseSetting("ConnectionStrings:ConsentOwner", OwnerConnectionString);
        builder.UseSetting("CONSENT_DEMO_PASSWORD", DemoPassword);
        builder.UseSetting("CONSENT_REPOSITORY_ROOT", RepositoryRootPath);
        builder.UseSetting("Outbox:RunWorker", RunsOutboxWorker ? "true" : "false");
        if (!RunsPeriodicAudit)
        {
            builder.UseSetting("Audit:IntervalMinutes", "0");
        }

        if (!RunsRenewalJob)
        {
            builder.UseSetting("Renewals:IntervalMinutes", "0");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturedLogs(LogLines)));
    }

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\" OWNER {OwnerRole}", connection);
        try
        {
            await create.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
        {
            throw new InvalidOperationException(
                $"The test server lacks the roles {OwnerRole} and {RuntimeRole}: start it with scripts/lib/common.sh's pg_start (scripts/test.sh does).", e);
        }

        StartServer(); // start the host (in-memory, or Kestrel when a factory asks): migrations and seeding run now, not in the first test
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task<string> LoginAsync(string email, string? password = null)
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = password ?? DemoPassword });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return body!.AccessToken;
    }

    public async Task<HttpClient> ClientForAsync(string email)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await LoginAsync(email));
        return client;
    }

    /// <summary>The service started again on this database, in the same environment with the same settings, as after a restart.</summary>
    public SameDatabaseNode Restarted(ConcurrentQueue<string>? logLines = null) =>
        new(ConnectionString, null, EnvironmentName, Settings, logLines);

    /// <summary>A connection as the runtime role, the service's own.</summary>
    public Task<NpgsqlConnection> OpenDatabaseAsync() => OpenAsync(ConnectionString);

    /// <summary>A connection as the owner role, which can disable the append-only trigger: for attack tests.</summary>
    public Task<NpgsqlConnection> OpenOwnerDatabaseAsync() => OpenAsync(OwnerConnectionString);

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private string As(string role)
    {
        // Timeout 60 s: dozens of test services start at once on two cores, and a new connection could wait longer than
        // Npgsql's 15 s default (a service's start-up lock once failed so, with nothing wrong but the load).
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = DatabaseName, Username = role, Timeout = 60 };
        builder.Remove("Password");
        return builder.ConnectionString;
    }

    private sealed record TokenResponse(string AccessToken, int ExpiresIn);
}
