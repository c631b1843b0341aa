using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Api;

public sealed class AuthApiTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Login_DemoClinician_GetsBearerTokenThatOpensStaffEndpoints()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = Staff.Clinician, password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = json.RootElement.GetProperty("accessToken").GetString();
        Assert.False(string.IsNullOrEmpty(token));
        Assert.True(json.RootElement.GetProperty("expiresIn").GetInt32() > 0);

        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/account");
        Assert.Equal(Staff.Clinician, me.GetProperty("email").GetString());
        Assert.Contains("Clinician", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Login_WrongPasswordAndUnknownEmail_AnswerTheSame401()
    {
        using var client = factory.CreateClient();
        var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = Staff.Reviewer, password = "not-the-password-at-all" });
        var unknown = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "nobody@example.org", password = "not-the-password-at-all" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal("application/problem+json", wrongPassword.Content.Headers.ContentType?.MediaType);
        var a = await wrongPassword.Content.ReadFromJsonAsync<JsonElement>();
        var b = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Login_FiveWrongPasswords_LocksTheAccountEvenForTheRightPassword()
    {
        using var client = factory.CreateClient();
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, "lockme@example.org", "a-long-enough-password", "Lock Me", "Clinician");
        }

        for (var i = 0; i < 5; i++)
        {
            var wrong = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "lockme@example.org", password = $"wrong-password-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var right = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "lockme@example.org", password = "a-long-enough-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
    }

    [Fact]
    public async Task Login_MissingFields_Is400ValidationProblem()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
