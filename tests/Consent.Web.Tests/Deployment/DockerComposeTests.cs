using Consent.Web.Hosting;
using Consent.Web.Tests.Infrastructure;
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
        var mapping = ((YamlSequenceNode)consent["ports"]).Children.Single().ToString().Split(':');
        Assert.Equal(listening, mapping[1]);
        Assert.Contains($"localhost:{listening}/health/ready", Healthcheck(consent), StringComparison.Ordinal);
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile"));
        Assert.Contains($"EXPOSE {listening}", dockerfile, StringComparison.Ordinal);
        Assert.Contains("curl", dockerfile, StringComparison.Ordinal);
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

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryRoot.Path, "docker-compose.yml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
