using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Another service instance (Development) on an existing test database: a second node beside the
/// first, or the service started again after an upgrade; optionally with a clock of its own.
/// </summary>
public sealed class SameDatabaseNode(string connectionString, TimeProvider? clock = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Consent", connectionString);
        builder.UseSetting("CONSENT_DEMO_PASSWORD", ConsentWebFactory.DemoPassword);
        builder.UseSetting("CONSENT_REPOSITORY_ROOT", RepositoryRoot.Path);
        builder.UseSetting("RateLimits:LoginPerMinute", "100000");
        if (clock is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
