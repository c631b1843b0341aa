using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Mail;

namespace Consent.Web.Tests.Sessions;

/// <summary>
/// A link the clinician reissues: the old link and every ticket verified with it stop working, the
/// patient is mailed the new link, and verifying on the new link works.
/// </summary>
public sealed class ReissuedLinkTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    [Fact]
    public async Task AReissuedLink_RevokesTicketsOfTheOldOne_AndIsMailedAgain()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var email = PatientMailTests.Address();
        var (id, oldUrl) = await PatientMailTests.StartAsync(driver.Clinician, email, "en");
        var old = new StartedSession(id, Token(oldUrl), oldUrl);
        Assert.Contains(oldUrl, Assert.Single(await factory.MailForAsync(email)).TextBody, StringComparison.Ordinal);
        using var oldTicket = await driver.VerifyAsync(old);
        Assert.Equal(HttpStatusCode.OK, (await oldTicket.GetAsync($"/api/v1/patient/{old.Token}/current")).StatusCode);

        var reissued = await driver.Clinician.PostAsync($"/api/v1/sessions/{id}/reissue-link", null);
        Assert.Equal(HttpStatusCode.OK, reissued.StatusCode);
        var newUrl = (await reissued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("patientUrl").GetString()!;
        var current = new StartedSession(id, Token(newUrl), newUrl);
        Assert.NotEqual(old.Token, current.Token);

        // The ticket verified on the old link opens neither link now.
        Assert.Equal(HttpStatusCode.Forbidden, (await oldTicket.GetAsync($"/api/v1/patient/{old.Token}/current")).StatusCode);
        using (var onNewLink = factory.CreateClient())
        {
            onNewLink.DefaultRequestHeaders.Authorization = oldTicket.DefaultRequestHeaders.Authorization;
            Assert.Equal(HttpStatusCode.Forbidden, (await onNewLink.GetAsync($"/api/v1/patient/{current.Token}/current")).StatusCode);
        }

        using var newTicket = await driver.VerifyAsync(current);
        Assert.Equal(HttpStatusCode.OK, (await newTicket.GetAsync($"/api/v1/patient/{current.Token}/current")).StatusCode);

        var mails = await factory.MailForAsync(email, 2);
        var again = Assert.Single(mails, m => m.TextBody?.Contains(newUrl, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(oldUrl, again.TextBody, StringComparison.Ordinal);
        Assert.Equal("Your consent form is ready", again.Subject);
    }

    private static string Token(string url) => url[(url.LastIndexOf('/') + 1)..];
}
