using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Hosts the real service against its own fresh PostgreSQL database (created from
/// CONSENT_TEST_CONNECTION, which scripts/test.sh sets) and drops it afterwards.
/// </summary>
public class ConsentWebFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string DemoPassword = "test-demo-password-42";

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
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = DatabaseName }.ConnectionString;
    }

    public string ServerConnectionString { get; }

    public string DatabaseName { get; }

    public string ConnectionString { get; }

    protected virtual string EnvironmentName => "Development";

    /// <summary>Extra settings; by default abuse limits high enough that tests measure behaviour, not throttling.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits:LoginPerMinute"] = "100000",
        ["RateLimits:PatientVerifyPerMinute"] = "100000",
        ["RateLimits:PatientRequestsPerMinute"] = "100000",
    };

    /// <summary>Where the service reads workflows/ and templates/ from; the repository unless a test copies them.</summary>
    public virtual string RepositoryRootPath => RepositoryRoot.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Consent", ConnectionString);
        builder.UseSetting("CONSENT_DEMO_PASSWORD", DemoPassword);
        builder.UseSetting("CONSENT_REPOSITORY_ROOT", RepositoryRootPath);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
        await create.ExecuteNonQueryAsync();
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

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private sealed record TokenResponse(string AccessToken, int ExpiresIn);
}
