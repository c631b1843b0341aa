using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Hosting;

/// <summary>
/// The service as deployed behind its TLS proxy, on the real Kestrel server (the in-memory test
/// server has no client address): 127.0.0.1 is the trusted proxy, 127.0.0.2 any other machine
/// (<see cref="LoopbackClient"/>).
/// </summary>
public sealed class BehindProxyFactory : ProductionFactory
{
    public BehindProxyFactory() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    public static IPAddress Proxy { get; } = IPAddress.Loopback;

    public static IPAddress Stranger { get; } = IPAddress.Parse("127.0.0.2");

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Proxy:KnownProxies"] = Proxy.ToString(),
        ["RateLimits:LoginPerMinute"] = "3",
    };

    /// <summary>A client whose connections come from <paramref name="local"/>, sending <paramref name="forwardedFor"/> as a proxy would (with X-Forwarded-Proto: https) when given.</summary>
    public HttpClient ClientFrom(IPAddress local, string? forwardedFor = null, bool https = true)
    {
        var client = LoopbackClient.From(this, local);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        if (https)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        }

        return client;
    }

    public async Task CreateStaffAsync(string email, string role)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var user = new StaffUser { UserName = email, Email = email, DisplayName = email, CreatedAt = DateTimeOffset.UtcNow };
        // Made directly, as the demo accounts are: with the training attestation already signed, so its roles work.
        scope.ServiceProvider.GetRequiredService<Consent.Web.Identity.TrainingAttestation>().Apply(user, "en", DateTimeOffset.UtcNow);
        Assert.True((await users.CreateAsync(user, ReverseProxyTests.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
    }
}

public sealed class ReverseProxyTests(BehindProxyFactory factory) : IClassFixture<BehindProxyFactory>
{
    public const string Password = "behind the proxy 1";

    [Fact]
    public async Task SignInLimit_ThroughTheTrustedProxy_KeysOnEachForwardedClient()
    {
        using var first = factory.ClientFrom(BehindProxyFactory.Proxy, "203.0.113.10");
        Assert.Equal(
            [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests],
            await SignInsAsync(first, 4));

        using var second = factory.ClientFrom(BehindProxyFactory.Proxy, "203.0.113.11");
        Assert.Equal([HttpStatusCode.Unauthorized], await SignInsAsync(second, 1));
    }

    [Fact]
    public async Task SpoofedForwardedFor_FromAnUntrustedPeer_DoesNotChangeTheBucket()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var spoofing = factory.ClientFrom(BehindProxyFactory.Stranger, $"198.51.100.{20 + i}");
            statuses.AddRange(await SignInsAsync(spoofing, 1));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Pages_OverHttpsThroughTheProxy_Work_AndPlainHttpGetsA403NotA500()
    {
        using var proxied = factory.ClientFrom(BehindProxyFactory.Proxy, "203.0.113.30");
        var login = await proxied.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var antiforgery = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("consent_af=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        using var direct = factory.ClientFrom(BehindProxyFactory.Proxy, https: false);
        using var untrusted = factory.ClientFrom(BehindProxyFactory.Stranger, "203.0.113.31");
        foreach (var refused in new[] { await direct.GetAsync("/Account/Login"), await untrusted.GetAsync("/Account/Login") })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("HTTPS required", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await direct.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task EventLogAndPatientLink_NameTheForwardedClientAndScheme_ButNotASpoofedOne()
    {
        await factory.CreateStaffAsync("reviewer.proxy@example.org", StaffRoles.EthicsReviewer);
        await factory.CreateStaffAsync("reviewer2.proxy@example.org", StaffRoles.EthicsReviewer);
        await factory.CreateStaffAsync("clinician.proxy@example.org", StaffRoles.Clinician);
        // Outside Development two distinct reviewers approve (Review:RequiredApprovals), each signing with the password.
        using var reviewer = await SignedInAsync("reviewer.proxy@example.org", "198.51.100.5");
        (await ReviewerApprovals.ApproveAsync(reviewer, "esketamine-nasal-trd", 1, Password)).EnsureSuccessStatusCode();
        using var second = await SignedInAsync("reviewer2.proxy@example.org", "198.51.100.6");
        (await ReviewerApprovals.ApproveAsync(second, "esketamine-nasal-trd", 1, Password)).EnsureSuccessStatusCode();
        using var clinician = await SignedInAsync("clinician.proxy@example.org", "198.51.100.7");

        var (id, token, link) = await StartAsync(clinician);
        Assert.StartsWith("https://", link, StringComparison.Ordinal);
        using var patient = factory.ClientFrom(BehindProxyFactory.Proxy, "198.51.100.8");
        (await patient.PostAsJsonAsync($"/api/v1/patient/{token}/verify", new { dateOfBirth = "1970-01-01" })).EnsureSuccessStatusCode();

        var (spoofedId, spoofedToken, _) = await StartAsync(clinician);
        using var spoofing = factory.ClientFrom(BehindProxyFactory.Stranger, "198.51.100.9");
        (await spoofing.PostAsJsonAsync($"/api/v1/patient/{spoofedToken}/verify", new { dateOfBirth = "1970-01-01" })).EnsureSuccessStatusCode();

        var events = await EventsAsync(clinician, id);
        Assert.Equal("198.51.100.7", events.Single(e => e.Type == "SessionCreated").Ip);
        Assert.Equal("198.51.100.8", events.Single(e => e.Type == "IdentityVerified").Ip);
        Assert.Equal("127.0.0.2", (await EventsAsync(clinician, spoofedId)).Single(e => e.Type == "IdentityVerified").Ip);
    }

    private static async Task<List<HttpStatusCode>> SignInsAsync(HttpClient client, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = $"nobody{Guid.NewGuid():N}@example.org", password = "wrong password here" });
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }

    private async Task<HttpClient> SignedInAsync(string email, string forwardedFor)
    {
        var client = factory.ClientFrom(BehindProxyFactory.Proxy, forwardedFor);
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password });
        login.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    private static async Task<(Guid Id, string Token, string Link)> StartAsync(HttpClient clinician)
    {
        var started = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "esketamine-nasal-trd", language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" },
        });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        var link = body.GetProperty("patientUrl").GetString()!;
        return (body.GetProperty("id").GetGuid(), link[(link.LastIndexOf('/') + 1)..], link);
    }

    private static async Task<List<(string Type, string? Ip)>> EventsAsync(HttpClient clinician, Guid id)
    {
        var chain = await clinician.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}/events");
        return [.. chain.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("ip").GetString()))];
    }
}

/// <summary>How the trusted proxies are read from configuration.</summary>
public sealed class ReverseProxySettingsTests
{
    [Fact]
    public void Settings_TakeCommaListsAndArrays_AndNameEachEntryThatIsNotAnAddressOrNetwork()
    {
        var settings = ReverseProxy.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Proxy:KnownProxies"] = "10.0.0.5, ::1,nginx",
                ["Proxy:KnownNetworks:0"] = "172.28.0.0/24",
                ["Proxy:KnownNetworks:1"] = "10.0.0.1",
            }).Build());

        Assert.Equal([IPAddress.Parse("10.0.0.5"), IPAddress.IPv6Loopback], settings.Proxies);
        Assert.Equal([System.Net.IPNetwork.Parse("172.28.0.0/24")], settings.Networks);
        Assert.Equal(2, settings.Errors.Count);
        Assert.Contains("'nginx' is not an IP address", settings.Errors[0], StringComparison.Ordinal);
        Assert.Contains("'10.0.0.1' is not a network in CIDR form", settings.Errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_WithNothingConfigured_TrustNoProxy()
    {
        var settings = ReverseProxy.Read(new ConfigurationBuilder().Build());
        Assert.False(settings.Any);
        Assert.Empty(settings.Errors);
    }
}
