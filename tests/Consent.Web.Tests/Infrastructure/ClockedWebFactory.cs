using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>The service in Development (demo accounts, approved demo workflows) with a clock the test moves: idle time-outs, link expiry, authenticator codes.</summary>
public class ClockedWebFactory : ConsentWebFactory
{
    public ClockedWebFactory()
        : this(DateTimeOffset.UtcNow)
    {
    }

    /// <summary>A clock that starts at <paramref name="start"/> (xunit needs one public constructor on a fixture).</summary>
    protected ClockedWebFactory(DateTimeOffset start) => Clock = new FakeTimeProvider(start);

    public FakeTimeProvider Clock { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }
}
