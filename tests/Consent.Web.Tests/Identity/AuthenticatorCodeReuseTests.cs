using System.Net;
using System.Net.Http.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// An authenticator code signs in once (RFC 6238 §5.2): the outside review signed in twice with one
/// code inside its window. Production mode, fake clock; the codes are computed as an app does.
/// </summary>
public sealed class AuthenticatorCodeReuseTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string Password = ProductionFactory.Password;

    [Fact]
    public async Task TheSameCode_SignsInOnce_AndAnEarlierOneNotAtAll()
    {
        const string Email = "reuse.auditor@example.org";
        var key = await factory.CreateStaffWithSecondFactorAsync(Email, StaffRoles.Auditor);
        var first = factory.Clock.GetUtcNow();
        var code = Totp.Code(key, first);

        Assert.Equal(HttpStatusCode.OK, await SignInAsync(Email, code));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(Email, code));

        // The page sign-in shares the rule: the code already used is refused there too.
        using var browser = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.OK, (await StaffCookies.SignInAsync(browser, Email, Password, code)).StatusCode);

        // Thirty seconds on, the old code is still inside the window, but its time step was used.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(Email, code));
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.SignInAsync(browser, Email, Password, Totp.Code(key, factory.Clock.GetUtcNow()))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(Email, Totp.Code(key, factory.Clock.GetUtcNow())));
    }

    [Fact]
    public async Task OneCode_SentByManySignInsAtOnce_AdmitsOnlyOne()
    {
        const string Email = "race.auditor@example.org";
        var key = await factory.CreateStaffWithSecondFactorAsync(Email, StaffRoles.Auditor);
        var code = Totp.Code(key, factory.Clock.GetUtcNow());

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SignInAsync(Email, code)));

        Assert.Equal(1, answers.Count(a => a == HttpStatusCode.OK));
        Assert.Equal(3, answers.Count(a => a == HttpStatusCode.Unauthorized));
    }

    /// <summary>RFC 6238 §5.2 recommends at most one step of drift; a code two steps away is refused.</summary>
    [Fact]
    public async Task ACodeOneStepAway_IsAccepted_TwoStepsAway_IsNot()
    {
        const string Email = "window.auditor@example.org";
        var key = await factory.CreateStaffWithSecondFactorAsync(Email, StaffRoles.Auditor);
        var now = factory.Clock.GetUtcNow();

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(Email, Totp.Code(key, now.AddSeconds(-60))));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(Email, Totp.Code(key, now.AddSeconds(-30))));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(Email, Totp.Code(key, now.AddSeconds(60))));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(Email, Totp.Code(key, now.AddSeconds(30))));
    }

    private async Task<HttpStatusCode> SignInAsync(string email, string code)
    {
        using var client = factory.CreateClient();
        return (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password, twoFactorCode = code })).StatusCode;
    }
}
