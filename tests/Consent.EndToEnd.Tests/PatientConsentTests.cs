using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>The whole consent, as a patient on a phone and on a desktop, in English and in Spanish.</summary>
[Collection(BrowserTests.Name)]
public sealed class PatientConsentTests(ServiceHost host)
{
    [Theory]
    [InlineData("en", Screen.Phone)]
    [InlineData("es", Screen.Phone)]
    [InlineData("en", Screen.Desktop)]
    [InlineData("es", Screen.Desktop)]
    public async Task PatientReadsAcknowledgesAnswersAndSigns_WithADrawnSignature(string language, Screen screen)
    {
        var patient = language == "es" ? Patient.Spanish : Patient.English;
        var session = await StaffApi.StartAsync(host, patient, language);
        await using var context = await host.NewContextAsync(screen);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, $"consent-{language}-{screen.ToString().ToLowerInvariant()}", axe: true);
        var walker = new PatientWalker(page, check, patient);

        await walker.OpenAsync(session.PatientPath);
        Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
        await walker.VerifyAsync();
        var end = await walker.WalkAsync();

        Assert.Equal(Kind.Waiting, end);
        Assert.Contains(Kind.Questions, walker.Seen);
        Assert.Contains(Kind.Disclosure, walker.Seen);
        Assert.Contains(Kind.Quiz, walker.Seen);
        Assert.Contains(Kind.Certification, walker.Seen);
        Assert.Contains(Kind.Sign, walker.Seen);
        check.AssertClean();
    }
}
