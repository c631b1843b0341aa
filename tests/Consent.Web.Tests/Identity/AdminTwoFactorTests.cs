using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Outside Development an Admin acts only after a second factor (TOTP): the admin pages and API
/// refuse an admin without one, and the cookie sign-in page asks for the authenticator code.
/// </summary>
public sealed class AdminTwoFactorTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string Email = "admin.2fa@example.org";

    [Fact]
    public async Task Admin_IsRefusedWithoutASecondFactor_ThenSignsInOnThePageWithATotpCode()
    {
        var id = await factory.CreateStaffAsync(Email, StaffRoles.Admin);
        using var api = await StaffAccounts.ClientAsync(factory, Email, ProductionFactory.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/v1/admin/users")).StatusCode);
        using (var before = Browser())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.SignInAsync(before, Email, ProductionFactory.Password)).StatusCode);
            // An Admin account sets up its authenticator before its first page: every page leads to the account page.
            foreach (var page in new[] { "/admin/users", "/" })
            {
                var denied = await before.GetAsync(page);
                Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
                Assert.Equal("/account", denied.Headers.Location?.OriginalString);
            }

            Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/account")).StatusCode);
        }

        // Setting up needs an enrolment code as well as the password (TwoFactorEnrolmentTests).
        var enrolment = await factory.IssueEnrolmentCodeAsync(id);
        var key = (await (await api.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment })).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("sharedKey").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);

        // The code that turned it on is used up (AuthenticatorCodeReuseTests): the page takes the next one.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));

        using var browser = Browser();
        foreach (var code in new string?[] { null, "000000" })
        {
            var refused = await StaffCookies.SignInAsync(browser, Email, ProductionFactory.Password, code);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("Enter the current code from your authenticator app.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin/users")).StatusCode);
        var signedIn = await StaffCookies.SignInAsync(browser, Email, ProductionFactory.Password, Totp.Code(key, factory.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var users = await browser.GetAsync("/admin/users");
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Contains(Email, await users.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A browser over https (the staff cookie is Secure outside Development), not following redirects.</summary>
    private HttpClient Browser() => factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
}
