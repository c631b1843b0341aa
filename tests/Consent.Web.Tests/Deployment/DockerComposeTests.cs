using Consent.Web.Hosting;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace Consent.Web.Tests.Deployment;

/// <summary>No Docker engine runs here, so docker-compose.yml is kept right by reading it.</summary>
public sealed class DockerComposeTests
{
    private static readonly YamlMappingNode Root = Load();

    private static YamlMappingNode Services => (YamlMappingNode)Root["services"];

    [Fact]
    public void Compose_HasPostgres15WithNamedVolumeAndHealthCheck()
    {
        var postgres = (YamlMappingNode)Services["postgres"];
        Assert.Equal("postgres:15", postgres["image"].ToString());
        var volume = ((YamlSequenceNode)postgres["volumes"]).Children.Select(v => v.ToString()).Single(v => v.EndsWith(":/var/lib/postgresql/data", StringComparison.Ordinal));
        Assert.True(((YamlMappingNode)Root["volumes"]).Children.ContainsKey(volume.Split(':')[0]));
        Assert.Contains("pg_isready", Healthcheck(postgres), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ServiceSetsOnlyVariablesTheServiceReads()
    {
        var consent = (YamlMappingNode)Services["consent"];
        var unknown = Environment(consent).Keys
            .Select(k => k.Replace("__", ":", StringComparison.Ordinal))
            .Where(k => !ConfigurationKeys.All.ContainsKey(k))
            .ToList();
        Assert.True(unknown.Count == 0, "Variables the service does not read: " + string.Join(", ", unknown));
        Assert.Contains(".", ((YamlScalarNode)consent["build"]).Value, StringComparison.Ordinal);
    }

    /// <summary>
    /// The service connects as the runtime role and a one-shot container migrates as the owner, both
    /// made by deploy/postgres/ with the passwords compose gives; never as the superuser.
    /// </summary>
    [Theory]
    [InlineData("consent", "ConnectionStrings__Consent", "consent_app", "CONSENT_APP_PASSWORD")]
    [InlineData("migrate", "ConnectionStrings__ConsentOwner", "consent_owner", "CONSENT_OWNER_PASSWORD")]
    public void Compose_ConnectionStringsPointAtThePostgresService_AsTheTwoRoles(string service, string variable, string role, string password)
    {
        var postgres = Environment((YamlMappingNode)Services["postgres"]);
        var connection = new NpgsqlConnectionStringBuilder(Environment((YamlMappingNode)Services[service])[variable]);
        Assert.Equal("postgres", connection.Host);
        Assert.Equal(5432, connection.Port);
        Assert.Equal(role, connection.Username);
        Assert.NotEqual(postgres["POSTGRES_USER"], connection.Username);
        Assert.Equal(postgres[password], connection.Password);
        Assert.Equal(postgres["POSTGRES_DB"], connection.Database);
        Assert.Contains(((YamlSequenceNode)((YamlMappingNode)Services["postgres"])["volumes"]).Children,
            v => v.ToString() == "./deploy/postgres:/docker-entrypoint-initdb.d:ro");
        var dependsOn = (YamlMappingNode)((YamlMappingNode)Services[service])["depends_on"];
        Assert.Equal("service_healthy", ((YamlMappingNode)dependsOn["postgres"])["condition"].ToString());
    }

    /// <summary>
    /// The owner's password is only in the one-shot migrate container, which runs the migrate verb;
    /// the service starts after it succeeded. (The review read it from the service's environment.)
    /// </summary>
    [Fact]
    public void Compose_TheLongRunningServiceNeverHoldsTheOwnersPassword()
    {
        var consent = Environment((YamlMappingNode)Services["consent"]);
        Assert.DoesNotContain("ConnectionStrings__ConsentOwner", consent.Keys);
        Assert.DoesNotContain(consent.Values, v => v.Contains("consent_owner", StringComparison.Ordinal));
        var migrate = (YamlMappingNode)Services["migrate"];
        Assert.Equal("migrate", Assert.Single(((YamlSequenceNode)migrate["command"]).Children).ToString());
        Assert.Equal(".", ((YamlScalarNode)migrate["build"]).Value);
        var dependsOn = (YamlMappingNode)((YamlMappingNode)Services["consent"])["depends_on"];
        Assert.Equal("service_completed_successfully", ((YamlMappingNode)dependsOn["migrate"])["condition"].ToString());
    }

    /// <summary>
    /// The image's init script against a real PostgreSQL, run as the image runs it (sourced, as the
    /// superuser, with the compose file's variables): both roles, with their passwords, and the
    /// database owned by the owner. Run twice, it changes nothing.
    /// </summary>
    [Fact]
    public async Task PostgresInitScript_CreatesBothRoles_AndTheDatabaseOwnedByTheOwner()
    {
        var server = new NpgsqlConnectionStringBuilder(System.Environment.GetEnvironmentVariable("CONSENT_TEST_CONNECTION")
            ?? throw new InvalidOperationException("CONSENT_TEST_CONNECTION is not set: run the tests with scripts/test.sh."));
        var postgres = Environment((YamlMappingNode)Services["postgres"]);
        var database = "consent_compose_" + Guid.NewGuid().ToString("N")[..12];
        var script = Path.Combine(RepositoryRoot.Path, "deploy", "postgres", "10-consent-roles.sh");
        try
        {
            for (var run = 0; run < 2; run++)
            {
                var start = new System.Diagnostics.ProcessStartInfo("bash", ["-c", $"set -Eeo pipefail; cd /; . '{script}'"])
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                };
                start.Environment["PGHOST"] = server.Host;
                start.Environment["PGPORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                start.Environment["POSTGRES_USER"] = server.Username;
                start.Environment["POSTGRES_DB"] = database;
                start.Environment["CONSENT_OWNER_PASSWORD"] = postgres["CONSENT_OWNER_PASSWORD"];
                start.Environment["CONSENT_APP_PASSWORD"] = postgres["CONSENT_APP_PASSWORD"];
                using var process = System.Diagnostics.Process.Start(start)!;
                var error = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, error);
            }

            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand("""
                SELECT pg_get_userbyid(d.datdba)::text,
                       (SELECT string_agg(rolname || ':' || rolsuper || rolcreaterole || rolcreatedb || (rolpassword IS NOT NULL), ',' ORDER BY rolname)
                        FROM pg_authid WHERE rolname IN ('consent_app', 'consent_owner'))
                FROM pg_database d WHERE d.datname = @db
                """, connection);
            query.Parameters.AddWithValue("db", database);
            await using var reader = await query.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("consent_owner", reader.GetString(0));
            Assert.Equal("consent_app:falsefalsefalsetrue,consent_owner:falsefalsefalsetrue", reader.GetString(1));
        }
        finally
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            // The test cluster trusts loopback; leave its roles as pg_start made them.
            await using var clean = new NpgsqlCommand(
                $"DROP DATABASE IF EXISTS {database} WITH (FORCE); ALTER ROLE consent_app PASSWORD NULL; ALTER ROLE consent_owner PASSWORD NULL", connection);
            await clean.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public void Compose_PortsAndHealthCheckLineUpWithTheListeningPort()
    {
        var consent = (YamlMappingNode)Services["consent"];
        var listening = Environment(consent)["ASPNETCORE_HTTP_PORTS"];
        Assert.False(consent.Children.ContainsKey("ports"), "the service is reached through nginx only, so it publishes no port");
        Assert.Equal(listening, ((YamlSequenceNode)consent["expose"]).Children.Single().ToString());
        Assert.Contains($"server consent:{listening};", NginxConf, StringComparison.Ordinal);
        Assert.Contains($"localhost:{listening}/health/ready", Healthcheck(consent), StringComparison.Ordinal);
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile"));
        Assert.Contains($"EXPOSE {listening}", dockerfile, StringComparison.Ordinal);
        Assert.Contains("curl", dockerfile, StringComparison.Ordinal);
    }

    /// <summary>nginx ends TLS with the shipped deploy/nginx.conf (the file scripts/proxy-test.sh runs), its certificates mounted where that file reads them.</summary>
    [Fact]
    public void Compose_NginxEndsTls_WithTheShippedConfigAndMountedCertificates()
    {
        var nginx = (YamlMappingNode)Services["nginx"];
        Assert.StartsWith("nginx:", nginx["image"].ToString(), StringComparison.Ordinal);
        var volumes = ((YamlSequenceNode)nginx["volumes"]).Children.Select(v => v.ToString().Split(':')).ToList();
        var config = Assert.Single(volumes, v => v[1] == "/etc/nginx/nginx.conf");
        Assert.Equal(["./deploy/nginx.conf", "/etc/nginx/nginx.conf", "ro"], config);
        Assert.True(File.Exists(Path.Combine(RepositoryRoot.Path, config[0])));
        var certificates = Assert.Single(volumes, v => v[1] == "/etc/nginx/certs");
        Assert.True(Directory.Exists(Path.Combine(RepositoryRoot.Path, certificates[0])), $"{certificates[0]} is in the repository, ready for the certificate");
        Assert.Contains("ssl_certificate     /etc/nginx/certs/fullchain.pem;", NginxConf, StringComparison.Ordinal);
        Assert.Contains("ssl_certificate_key /etc/nginx/certs/privkey.pem;", NginxConf, StringComparison.Ordinal);

        var ports = ((YamlSequenceNode)nginx["ports"]).Children.Select(p => p.ToString()).ToList();
        Assert.Equal(["443:443", "80:80"], ports);
        Assert.Contains("listen 443 ssl;", NginxConf, StringComparison.Ordinal);
        Assert.Contains("listen 80;", NginxConf, StringComparison.Ordinal);
        Assert.Contains("return 301 https://", NginxConf, StringComparison.Ordinal);
        var dependsOn = (YamlMappingNode)nginx["depends_on"];
        Assert.Equal("service_healthy", ((YamlMappingNode)dependsOn["consent"])["condition"].ToString());
    }

    /// <summary>The service believes forwarded headers from its own compose network only, and its links are https.</summary>
    [Fact]
    public void Compose_ServiceTrustsForwardedHeadersFromTheComposeNetworkOnly()
    {
        var environment = Environment((YamlMappingNode)Services["consent"]);
        var subnet = ((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Root["networks"])["default"])["ipam"])["config"])
            .Children.Single())["subnet"].ToString();
        Assert.Equal(subnet, environment["Proxy__KnownNetworks"]);
        Assert.False(environment.ContainsKey("Proxy__KnownProxies"));
        var settings = ReverseProxy.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [ReverseProxy.KnownNetworksKey] = environment["Proxy__KnownNetworks"] }).Build());
        Assert.Empty(settings.Errors);
        Assert.Single(settings.Networks);
        Assert.StartsWith("https://", environment["Consent__PublicBaseUrl"], StringComparison.Ordinal);
    }

    /// <summary>The image's service starts from precompiled code (docs/PERFORMANCE.md, P6), for the architecture it is built for.</summary>
    [Fact]
    public void Dockerfile_PublishesReadyToRun_ForTheTargetArchitecture()
    {
        var publish = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "Dockerfile"))
            .Single(line => line.StartsWith("RUN dotnet publish", StringComparison.Ordinal));
        Assert.Contains("-p:PublishReadyToRun=true", publish, StringComparison.Ordinal);
        Assert.Contains("-a \"$TARGETARCH\"", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained false", publish, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        ((YamlMappingNode)service["environment"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());

    private static string Healthcheck(YamlMappingNode service) =>
        string.Join(" ", ((YamlSequenceNode)((YamlMappingNode)service["healthcheck"])["test"]).Children.Select(c => c.ToString()));

    private static string NginxConf => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "nginx.conf"));

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryRoot.Path, "docker-compose.yml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
