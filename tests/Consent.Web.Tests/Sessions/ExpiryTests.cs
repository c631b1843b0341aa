using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Web.Tests.Sessions;

/// <summary>A factory whose clock the test moves.</summary>
public sealed class TimeTravelFactory : ConsentWebFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }
}

public sealed class ExpiryTests(TimeTravelFactory factory) : IClassFixture<TimeTravelFactory>
{
    [Fact]
    public async Task LinkOlderThanTheWorkflowAllows_IsGone()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        factory.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));

        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = PatientDriver.DateOfBirth });
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
