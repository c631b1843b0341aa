using System.Net;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Hosting;

/// <summary>The service's default patient limit: nothing in RateLimits:* set, so 120 requests per link per minute.</summary>
public sealed class DefaultPatientLimitFactory : ConsentWebFactory
{
    protected override IReadOnlyDictionary<string, string> Settings =>
        base.Settings.Where(s => s.Key != "RateLimits:PatientRequestsPerMinute").ToDictionary(s => s.Key, s => s.Value);
}

/// <summary>The per-link limit is keyed on the link, so the in-memory server (no client address) is enough here.</summary>
public sealed class PatientLinkLimitTests(DefaultPatientLimitFactory factory) : IClassFixture<DefaultPatientLimitFactory>
{
    private const int PerMinute = 120;

    [Fact]
    public async Task OneLink_Gets120RequestsAMinute_ThenA429_WhileAnotherLinkIsServed()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var busy = await driver.StartAsync();
        var other = await driver.StartAsync();
        using var patient = await driver.VerifyAsync(busy);
        using var otherPatient = await driver.VerifyAsync(other);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < PerMinute + 5; i++)
        {
            var response = await patient.GetAsync($"/api/v1/patient/{busy.Token}/current");
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        // The verify call before is limited per address (its own policy), not per link.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, PerMinute).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5)), statuses);
        Assert.Equal("application/problem+json", refused!.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await otherPatient.GetAsync($"/api/v1/patient/{other.Token}/current")).StatusCode);
    }
}
