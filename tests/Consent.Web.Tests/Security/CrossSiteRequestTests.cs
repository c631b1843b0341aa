using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Security;

/// <summary>
/// Cross-site request forgery against the API: with an admin's cookie, a POST from another site
/// (<c>Origin: https://evil.example</c>, a <c>text/plain</c> body, so no CORS preflight) deactivated an
/// account. A cookie-carried API call that changes something must come from the service's own origin.
/// </summary>
public sealed class CrossSiteRequestTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "cross site password 1";

    /// <summary>What a browser sends for a request another page started: its Origin and Sec-Fetch-Site.</summary>
    public static TheoryData<string?, string?> FromElsewhere => new()
    {
        { "https://evil.example", null },
        { "https://evil.example", "cross-site" },
        { null, "cross-site" },
        { "http://admin.localhost", "same-site" },
        { "null", "cross-site" },
        { "https://localhost", null },
        { "http://localhost:8443", null },
    };

    [Theory]
    [MemberData(nameof(FromElsewhere))]
    public async Task AnAdminsCookie_SentFromElsewhere_IsRefused_AndChangesNothing(string? origin, string? fetchSite)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, $"csrf.{Guid.NewGuid():N}"[..14] + "@example.org", Password, null, "Clinician");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Admin);

        var reactivate = await browser.SendAsync(Forged($"/api/v1/admin/users/{id}/reactivate", origin, fetchSite));
        await AssertRefusedAsync(reactivate);
        Assert.False(await ActiveAsync(admin, id));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/reactivate", null)).StatusCode);
        await AssertRefusedAsync(await browser.SendAsync(Forged($"/api/v1/admin/users/{id}/deactivate", origin, fetchSite)));
        Assert.True(await ActiveAsync(admin, id));
        await AssertRefusedAsync(await browser.SendAsync(Forged("/api/v1/auth/logout", origin, fetchSite)));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode);
    }

    /// <summary>A browser may add Basic credentials by itself (a site behind HTTP authentication): they do not make a cookie request a bearer one.</summary>
    [Theory]
    [InlineData("Basic eDp5")]
    [InlineData("Bearer")]
    public async Task AnAdminsCookie_WithAnAuthorizationHeaderThatIsNoBearerToken_SentFromElsewhere_IsRefused(string authorization)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, $"csrf.{Guid.NewGuid():N}"[..14] + "@example.org", Password, null, "Clinician");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);
        using var browser = await PageForms.SignedInAsync(factory, Staff.Admin);

        var forged = Forged($"/api/v1/admin/users/{id}/reactivate", "https://evil.example", "cross-site");
        forged.Headers.TryAddWithoutValidation("Authorization", authorization);
        await AssertRefusedAsync(await browser.SendAsync(forged));
        Assert.False(await ActiveAsync(admin, id));
    }

    [Fact]
    public async Task AClinicianCookie_CannotReissueALinkFromElsewhere_NorAPatientCookieAskAQuestion()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        using var verify = factory.CreateClient();
        var ticket = (await (await verify.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = PatientDriver.DateOfBirth }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var before = await InputProbe.SnapshotAsync(factory);

        await AssertRefusedAsync(await browser.SendAsync(Forged($"/api/v1/sessions/{session.Id}/reissue-link", "https://evil.example", "cross-site")));
        using var patient = factory.CreateClient();
        var question = Forged($"/api/v1/patient/{session.Token}/questions", "https://evil.example", "cross-site");
        question.Content = new StringContent("""{"question":"Is this from you?"}""", Encoding.UTF8, "application/json");
        question.Headers.Add("Cookie", $"consent_patient={ticket}");
        await AssertRefusedAsync(await patient.SendAsync(question));
        Assert.Equal(before, await InputProbe.SnapshotAsync(factory));
    }

    [Fact]
    public async Task TheServicesOwnPages_CurlAndBearerClients_AreNotAffected()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, $"same.{Guid.NewGuid():N}"[..14] + "@example.org", Password, null, "Clinician");
        using var browser = await PageForms.SignedInAsync(factory, Staff.Admin);

        // A script on the service's own page (fetch sends Origin and Sec-Fetch-Site: same-origin).
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(Forged($"/api/v1/admin/users/{id}/deactivate", "http://localhost", "same-origin"))).StatusCode);

        // curl with a cookie jar sends neither header.
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(Forged($"/api/v1/admin/users/{id}/reactivate", null, null))).StatusCode);

        // A bearer-token client is not a browser's ambient credential, whatever Origin it names.
        var bearer = Forged($"/api/v1/admin/users/{id}/deactivate", "https://evil.example", "cross-site");
        bearer.Headers.Authorization = admin.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient().SendAsync(bearer)).StatusCode);

        // Reading stays open to the pages' own polling scripts and to links.
        var read = new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/users");
        read.Headers.Add("Origin", "https://evil.example");
        read.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(read)).StatusCode);
    }

    private static HttpRequestMessage Forged(string path, string? origin, string? fetchSite)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("", Encoding.UTF8, "text/plain") };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
            request.Headers.Add("Sec-Fetch-Mode", "no-cors");
        }

        return request;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("own pages", text, StringComparison.Ordinal);
    }

    private static async Task<bool> ActiveAsync(HttpClient admin, string id) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray()
            .Single(u => u.GetProperty("id").GetString() == id).GetProperty("active").GetBoolean();
}
