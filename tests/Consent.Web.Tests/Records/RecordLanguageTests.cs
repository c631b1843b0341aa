using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>
/// A patient who switches the pages to Spanish reads and signs in Spanish, but the signed record
/// stays in the language the clinic chose for the session (README, "Using it").
/// </summary>
public sealed class RecordLanguageTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task APatientWhoSwitchesToSpanish_SignsInSpanish_AndTheRecordStaysInEnglish()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(language: "en");
        using var browser = PageForms.Browser(factory);
        var verified = await PageForms.PostAsync(browser, $"/p/{session.Token}", new Dictionary<string, string> { ["Month"] = "06", ["Day"] = "30", ["Year"] = "1975" });
        Assert.True(verified.StatusCode == HttpStatusCode.Redirect, $"{(int)verified.StatusCode}: {await verified.Content.ReadAsStringAsync()}");
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"/p/{session.Token}/language/es")).StatusCode);

        // Everything up to the signature through the API; the signature on the page, read in Spanish.
        var end = await driver.WalkAsync(await driver.VerifyAsync(session), session, stopAt: "sign");
        Assert.Equal("sign", end["step"]!["id"]!.GetValue<string>());
        var signPage = await browser.GetStringAsync($"/p/{session.Token}/sign");
        Assert.Contains("<html lang=\"es\"", signPage, StringComparison.Ordinal);
        Assert.Contains("Al firmar, certifico que", System.Net.WebUtility.HtmlDecode(signPage), StringComparison.Ordinal);
        var signed = await PageForms.PostAsync(browser, $"/p/{session.Token}/sign",
            new Dictionary<string, string> { ["FullName"] = PatientDriver.PatientName, ["Certify"] = "true", ["Strokes"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);

        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
        Assert.Contains("By signing, I certify that", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Al firmar", text, StringComparison.Ordinal);
        Assert.DoesNotContain("certifico", text, StringComparison.Ordinal);
        // A record in the clinic's language shows no second language.
        Assert.DoesNotContain("clinic\u2019s language", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Puede sentir mucho sueño", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A Spanish session at an English clinic (Consent:ClinicLanguage defaults to en): the record is in
    /// Spanish and, for the clinic, carries the English wording of every disclosure, screening question
    /// and quiz question and answer; each disclosure's hash is still that of the Spanish text the patient acknowledged.
    /// </summary>
    [Fact]
    public async Task ASpanishSession_AtAnEnglishClinic_HasTheEnglishWordingBesideTheSpanish()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver, language: "es");
        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));

        Assert.All<string>(
            [
                "Puede sentir mucho sueño durante el tratamiento y después.",
                "You may feel very sleepy during and after treatment.",
                "English (the clinic\u2019s language), for the clinic\u2019s reference only. The patient read and acknowledged the Spanish text above",
                "¿Está embarazada, podría estar embarazada o está amamantando?",
                "Are you pregnant, might you be pregnant, or are you breastfeeding?",
                "¿Puede manejar usted mismo a su casa después de una sesión?",
                "Can you drive yourself home after a session?",
                "No, I need someone to take me home",
                "Idioma de la clínica inglés (en)",
            ],
            part => Assert.Contains(part, text, StringComparison.Ordinal));

        // The hashes shown are those of the Spanish texts, as sealed in the chain when the patient acknowledged them.
        var events = await driver.EventsAsync(session.Id);
        var hashes = events["events"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "DisclosureAcknowledged")
            .Select(e => e!["contentHash"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(hashes);
        Assert.All(hashes, h => Assert.Contains(h, text, StringComparison.Ordinal));
    }
}
