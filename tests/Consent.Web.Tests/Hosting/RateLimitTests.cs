using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Hosting;

/// <summary>A factory with the small limits a real deployment might use.</summary>
public sealed class TightLimitsFactory : ConsentWebFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits:LoginPerMinute"] = "5",
        ["RateLimits:PatientVerifyPerMinute"] = "3",
        ["RateLimits:PatientRequestsPerMinute"] = "100000",
    };
}

public sealed class RateLimitTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task TooManySignIns_Get429ProblemWithRetryAfter()
    {
        using var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody{i}@example.org", password = "wrong password here" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.True(response.Headers.RetryAfter is not null);
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task TooManyDateOfBirthChecks_FromOneAddress_Get429()
    {
        using var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/patient/{new string('a', 43)}/verify", new { dateOfBirth = "1970-01-01" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
