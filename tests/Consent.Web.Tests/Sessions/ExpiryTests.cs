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

    [Fact]
    public async Task UnfinishedSession_IsExpiredByTheBackgroundJob_WithAnEventInTheChain()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(session), session, stopAt: "dissociation");
        factory.Clock.Advance(TimeSpan.FromDays(8));

        // The test runs the jobs itself (the factory's hosted worker is off, so none can race it).
        var worker = factory.Services.GetRequiredService<Consent.Web.Outbox.OutboxWorker>();
        var ran = 0;
        while (ran < 20 && await worker.RunOneAsync(CancellationToken.None))
        {
            ran++;
        }

        Assert.True(ran > 0, "no due job: the expiry was not run by this test");

        using var auditor = factory.CreateClient();
        auditor.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync(Staff.Auditor));
        var detail = await auditor.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/sessions/{session.Id}");
        Assert.Equal("Expired", detail!["status"]!.GetValue<string>());
        var chain = await auditor.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/sessions/{session.Id}/events");
        Assert.True(chain!["verified"]!.GetValue<bool>());
        var last = chain["events"]!.AsArray()[^1]!;
        Assert.Equal("Expired", last["type"]!.GetValue<string>());
        Assert.Equal("system", last["actor"]!.GetValue<string>());
    }
}
