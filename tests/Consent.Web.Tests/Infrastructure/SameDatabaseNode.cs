using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Another service instance on an existing test database: a second node beside the first, or the
/// service started again after an upgrade or a restart; optionally with a clock of its own, in
/// another environment with its settings, keeping its log lines.
/// </summary>
public sealed class SameDatabaseNode(
    string connectionString,
    TimeProvider? clock = null,
    string environment = "Development",
    IReadOnlyDictionary<string, string>? settings = null,
    ConcurrentQueue<string>? logLines = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:Consent", connectionString);
        builder.UseSetting("CONSENT_DEMO_PASSWORD", ConsentWebFactory.DemoPassword);
        builder.UseSetting("CONSENT_REPOSITORY_ROOT", RepositoryRoot.Path);
        builder.UseSetting("RateLimits:LoginPerMinute", "100000");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (logLines is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(new CapturedLogs(logLines)));
        }

        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
