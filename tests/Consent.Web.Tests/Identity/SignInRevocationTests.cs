using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 3: a role change, a password change, a deactivation and a sign-out end
/// the sign-ins a user already holds, at once on the node that made the change. (Failed guesses
/// that lock an account do not: see LockoutTests.)
/// </summary>
public sealed class SignInRevocationTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "revocation password 1";

    [Fact]
    public async Task RoleRemoved_TheOldTokenCanNoLongerCreateAnAdmin()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "former.admin@example.org", Password, null, "Admin");
        using var former = await StaffAccounts.ClientAsync(factory, "former.admin@example.org", Password);
        Assert.Equal(HttpStatusCode.OK, (await former.GetAsync("/api/v1/admin/users")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { "Clinician" } })).StatusCode);

        var escalation = await former.PostAsJsonAsync("/api/v1/admin/users", new
        {
            email = "escalated@example.org", displayName = "Escalated", password = Password, roles = new[] { "Admin" },
        });
        Assert.Equal(HttpStatusCode.Unauthorized, escalation.StatusCode);
        using var again = await StaffAccounts.ClientAsync(factory, "former.admin@example.org", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await again.GetAsync("/api/v1/admin/users")).StatusCode);
    }

    /// <summary>Saving the roles an account already holds (the "Save roles" button on an unchanged row) ends nothing.</summary>
    [Fact]
    public async Task RolesSavedUnchanged_TheTokenKeepsWorking()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "same.roles@example.org", Password, null, "Clinician", "EthicsReviewer");
        using var client = await StaffAccounts.ClientAsync(factory, "same.roles@example.org", Password);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { "EthicsReviewer", "Clinician" } })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/sessions")).StatusCode);
    }

    [Fact]
    public async Task PasswordChanged_TheOldTokenFails_AndTheNewPasswordSignsIn()
    {
        using var client = await SignedInClinicianAsync("new.password@example.org");

        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            var user = await users.FindByEmailAsync("new.password@example.org");
            Assert.True((await users.ChangePasswordAsync(user!, Password, "a different password 2")).Succeeded);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/account")).StatusCode);
        Assert.False(string.IsNullOrEmpty(await factory.LoginAsync("new.password@example.org", "a different password 2")));
    }

    [Fact]
    public async Task ApiLogout_EndsTheBearerToken()
    {
        using var client = await SignedInClinicianAsync("api.logout@example.org");

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/v1/auth/logout", null)).StatusCode);
    }

    [Fact]
    public async Task CookieReplayedAfterLogout_NoLongerOpensTheClinicianPage()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        await StaffAccounts.CreateAsync(factory, admin, "cookie.logout@example.org", Password, null, "Clinician");
        using var browser = factory.CreateClient(new() { AllowAutoRedirect = false });
        var signedIn = await StaffCookies.SignInAsync(browser, "cookie.logout@example.org", Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = StaffCookies.CookieFrom(signedIn);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/clinician")).StatusCode);

        var loggedOut = await StaffCookies.PostFormAsync(browser, "/clinician", "/Account/Logout");
        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);

        using var replay = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/clinician");
        request.Headers.Add("Cookie", cookie);
        var replayed = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/Account/Login", replayed.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    /// <summary>There is no refresh endpoint, so the login no longer hands out a refresh token nobody can use.</summary>
    [Fact]
    public async Task Login_AnswersTheAccessTokenAndItsLifetime_WithoutARefreshToken()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = Staff.Reviewer, password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("accessToken").GetString()));
        Assert.Equal(3600, body.GetProperty("expiresIn").GetInt32());
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.False(body.TryGetProperty("refreshToken", out _));
    }



    /// <summary>A new clinician account and an API client whose token works.</summary>
    private async Task<HttpClient> SignedInClinicianAsync(string email)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Clinician");
        var client = await StaffAccounts.ClientAsync(factory, email, Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/account")).StatusCode);
        return client;
    }
}
