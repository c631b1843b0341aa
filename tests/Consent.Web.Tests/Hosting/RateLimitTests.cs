using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// The small limits a real deployment might use, on the real Kestrel server: the limits are per
/// client address, and the in-memory test server has none (every client shared one bucket there).
/// </summary>
public sealed class TightLimitsFactory : ConsentWebFactory
{
    public TightLimitsFactory() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RateLimits:LoginPerMinute"] = "5",
        ["RateLimits:PatientVerifyPerMinute"] = "3",
        ["RateLimits:PatientRequestsPerMinute"] = "100000",
        ["RateLimits:RecordChecksPerMinute"] = "3",
    };
}

/// <summary>Each test connects from addresses of its own, so the tests' buckets (a minute long) do not meet.</summary>
public sealed class RateLimitTests(TightLimitsFactory factory) : IClassFixture<TightLimitsFactory>
{
    [Fact]
    public async Task TooManySignIns_Get429ProblemWithRetryAfter()
    {
        using var client = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.11"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            var response = await SignInAsync(client, i);
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
        using var client = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.12"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await VerifyAsync(client)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task OneAddressAtItsLimit_LeavesAnotherAddressItsOwn()
    {
        using var busy = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.13"));
        using var other = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.14"));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(busy, i)).StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync(busy)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(busy, 5)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await VerifyAsync(busy)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(other, 0)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await VerifyAsync(other)).StatusCode);
    }

    /// <summary>
    /// The sign-in page and the API's sign-in draw on one bucket per address: with a bucket each, an address had
    /// twice the sign-ins a minute the setting names (an outside review found 40 where 20 were set).
    /// </summary>
    [Fact]
    public async Task SignInsOnThePageAndThroughTheApi_ShareOneLimit()
    {
        using var client = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.16"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var page = await SignInOnThePageAsync(client, i);
            statuses.Add(page.StatusCode);
        }

        for (var i = 3; i < 6; i++)
        {
            using var api = await SignInAsync(client, i);
            statuses.Add(api.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
            HttpStatusCode.TooManyRequests], statuses);
    }

    /// <summary>The same for the date-of-birth check: the patient's start page and the API's verify share one bucket per address.</summary>
    [Fact]
    public async Task DateOfBirthChecksOnThePageAndThroughTheApi_ShareOneLimit()
    {
        using var client = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.17"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2; i++)
        {
            using var page = await client.PostAsync($"/p/{new string('b', 43)}", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Month"] = "1", ["Day"] = "1", ["Year"] = "1970",
            }));
            statuses.Add(page.StatusCode == HttpStatusCode.TooManyRequests ? page.StatusCode : HttpStatusCode.OK);
        }

        for (var i = 0; i < 2; i++)
        {
            using var api = await VerifyAsync(client);
            statuses.Add(api.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
    }

    /// <summary>Posts the sign-in form as a browser would (antiforgery cookie and token); a wrong password shows the form again (200).</summary>
    private static async Task<HttpResponseMessage> SignInOnThePageAsync(HttpClient client, int attempt)
    {
        using var form = await client.GetAsync("/account/login");
        var token = PageForms.AntiforgeryToken(await form.Content.ReadAsStringAsync());
        var cookie = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["Input.Email"] = $"nobody{attempt}@example.org",
                ["Input.Password"] = "wrong password here",
            }),
        };
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// The public check page: posted checks count per address (reading the form does not), and a
    /// browser over the limit gets a page saying when to try again, with Retry-After.
    /// </summary>
    [Fact]
    public async Task TooManyRecordChecks_FromOneAddress_Get429_AsAPageForABrowser()
    {
        using var client = LoopbackClient.From(factory, IPAddress.Parse("127.0.0.15"));
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await CheckShaAsync(client);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("text/html", last!.Content.Headers.ContentType?.MediaType);
        Assert.True(last.Headers.RetryAfter is not null);
        Assert.Contains("Too many checks", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/check")).StatusCode);
        last.Dispose();
    }

    /// <summary>Posts the SHA-256 form as a browser would: the page's antiforgery cookie and token, Accept text/html.</summary>
    private static async Task<HttpResponseMessage> CheckShaAsync(HttpClient client)
    {
        using var form = await client.GetAsync("/check");
        var page = await form.Content.ReadAsStringAsync();
        var token = PageForms.AntiforgeryToken(page);
        var cookie = string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/check?handler=Sha")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["Sha256"] = new string('a', 64),
            }),
        };
        request.Headers.Add("Cookie", cookie);
        request.Headers.Accept.ParseAdd("text/html");
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, int attempt) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody{attempt}@example.org", password = "wrong password here" });

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient client) =>
        client.PostAsJsonAsync($"/api/v1/patient/{new string('a', 43)}/verify", new { dateOfBirth = "1970-01-01" });
}
