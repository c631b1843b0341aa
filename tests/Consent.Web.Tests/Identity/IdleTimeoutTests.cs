using System.Net;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// 21 CFR 11.200(a)(1): a staff page sign-in is a continuous session that ends after <c>Identity:IdleMinutes</c> (15)
/// without a request the person made, and after <c>Identity:MaxSignInHours</c> (12) whatever happens. A page's own
/// background refresh (header <c>X-Consent-Background</c>) does not keep it alive.
/// </summary>
public sealed class IdleTimeoutTests(ClockedWebFactory factory) : IClassFixture<ClockedWebFactory>
{
    private const string Background = "X-Consent-Background";

    [Fact]
    public async Task ASignIn_KeptBusy_Lasts_AndLeftIdleFor15Minutes_Ends()
    {
        using var browser = await SignedInBrowserAsync();

        // Activity every 14 minutes keeps it going well past the first 15.
        for (var i = 0; i < 4; i++)
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(14));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/sessions")).StatusCode);
        }

        factory.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/sessions")).StatusCode);
        var page = await browser.GetAsync("/clinician");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login?ReturnUrl=", page.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ABackgroundRefresh_DoesNotKeepASignInAlive()
    {
        using var browser = await SignedInBrowserAsync();

        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        using (var poll = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions"))
        {
            poll.Headers.Add(Background, "1");
            Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(poll)).StatusCode);
        }

        // Sixteen minutes after the last request the person made, though six after the page's own refresh.
        factory.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/sessions")).StatusCode);
    }

    [Fact]
    public async Task ABusySignIn_EndsAfter12Hours()
    {
        using var browser = await SignedInBrowserAsync();
        for (var minutes = 10; minutes < 12 * 60; minutes += 10)
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/sessions")).StatusCode);
        }

        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/sessions")).StatusCode);
    }

    [Fact]
    public async Task Pages_CarryTheIdleTime_ForTheOneMinuteWarning()
    {
        using var browser = await SignedInBrowserAsync();
        var html = await browser.GetStringAsync("/clinician");
        Assert.Contains("name=\"consent-idle-seconds\" content=\"900\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"idle-warning\"", html, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var browser = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var signedIn = await StaffCookies.SignInAsync(browser, Staff.Clinician, ConsentWebFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/sessions")).StatusCode);
        return browser;
    }
}
