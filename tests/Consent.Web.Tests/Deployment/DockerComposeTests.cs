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
        var volume = ((YamlSequenceNode)postgres["volumes"]).Children.Single().ToString();
        Assert.EndsWith(":/var/lib/postgresql/data", volume, StringComparison.Ordinal);
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

    [Fact]
    public void Compose_ConnectionStringPointsAtThePostgresService()
    {
        var postgres = Environment((YamlMappingNode)Services["postgres"]);
        var connection = new NpgsqlConnectionStringBuilder(Environment((YamlMappingNode)Services["consent"])["ConnectionStrings__Consent"]);
        Assert.Equal("postgres", connection.Host);
        Assert.Equal(5432, connection.Port);
        Assert.Equal(postgres["POSTGRES_USER"], connection.Username);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], connection.Password);
        Assert.Equal(postgres["POSTGRES_DB"], connection.Database);
        var dependsOn = (YamlMappingNode)((YamlMappingNode)Services["consent"])["depends_on"];
        Assert.Equal("service_healthy", ((YamlMappingNode)dependsOn["postgres"])["condition"].ToString());
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
