using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// Issue 13: a patient who signed esketamine version 1 consents again on version 2 (both are approved in
/// Development). On a 320 px phone, in English and in Spanish, the first page after the date of birth says what
/// changed since they signed, with the REMS disclosure marked New, and that disclosure is marked New when shown.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ReconsentTests(ServiceHost host)
{
    private const string Esketamine = "esketamine-nasal-trd";

    [Fact]
    public async Task APatientWhoSignedVersion1_SeesWhatChangedFirst_InEnglishAndSpanish_At320Pixels()
    {
        var patient = Patient.Spanish;
        using var clinician = await StaffApi.ClinicianClientAsync(host);
        var first = await StartVersion1Async(clinician, patient);
        await using (var signing = await host.NewContextAsync(Screen.Desktop))
        {
            var page = await signing.NewPageAsync();
            var walker = new PatientWalker(page, new PageCheck(page, "reconsent-v1", axe: false), patient) { Draw = false };
            await walker.OpenAsync(first.PatientPath);
            await walker.VerifyAsync();
            Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        }

        (await clinician.PostAsJsonAsync($"/api/v1/sessions/{first.Id}/countersign",
            new { password = ServiceHost.DemoPassword, statementAccepted = true })).EnsureSuccessStatusCode();
        await Deadline.UntilAsync("the v1 consent record", async () =>
            (await clinician.GetAsync($"/api/v1/sessions/{first.Id}/record.pdf")).IsSuccessStatusCode);
        var patientId = (await clinician.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{first.Id}")).GetProperty("patientId").GetGuid();
        var status = await clinician.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patientId}/consents");
        Assert.Equal("reconsent-due", status.GetProperty("consents").EnumerateArray()
            .Single(c => c.GetProperty("workflowId").GetString() == Esketamine).GetProperty("status").GetString());

        foreach (var (language, heading, mark) in new[] { ("en", "What changed since you signed on", "New"), ("es", "Qué cambió desde que firmó el", "Nuevo") })
        {
            var again = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/reconsent", new { workflowId = Esketamine, language });
            again.EnsureSuccessStatusCode();
            var reconsent = await again.Content.ReadFromJsonAsync<JsonElement>();
            var path = new Uri(reconsent.GetProperty("patientUrl").GetString()!).AbsolutePath;

            await using var context = await host.NewContextAsync(Screen.Narrow);
            var page = await context.NewPageAsync();
            var check = new PageCheck(page, $"reconsent-{language}", axe: true);
            var walker = new PatientWalker(page, check, patient);
            await walker.OpenAsync(path);
            await walker.VerifyAsync();

            Assert.StartsWith(heading, await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
            // Two parts are new since version 1: the key information (version 3) and the REMS page (version 2).
            var parts = page.Locator(".changed-parts li");
            Assert.Equal(2, await parts.CountAsync());
            Assert.Equal([mark, mark], await parts.Locator(".mark-new").AllInnerTextsAsync());
            Assert.Contains(await parts.AllInnerTextsAsync(), part => part.Contains("REMS", StringComparison.Ordinal));
            Assert.Contains("REMS", await page.Locator(".what-changed-summary").InnerTextAsync(), StringComparison.Ordinal);
            Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > document.documentElement.clientWidth"),
                "the page scrolls sideways at 320 px");
            await check.CaptureAsync(page, "what-changed");

            await page.Locator("main a.button[href$='?read=1']").ClickAsync();
            // The marked pages in order: the key information first, then the REMS page.
            for (var i = 0; i < 40 && !(await page.Locator("h1 .mark").CountAsync() > 0 && (await page.Locator("h1").InnerTextAsync()).Contains("REMS", StringComparison.Ordinal)); i++)
            {
                var kind = await walker.KindAsync();
                Assert.NotEqual(Kind.Certification, kind);
                await walker.AnswerAsync(kind, await page.Locator("input[name=stepId]").First.GetAttributeAsync("value"));
            }

            Assert.Equal(mark, await page.Locator("h1 .mark-new").InnerTextAsync());
            await check.CaptureAsync(page, "rems-disclosure");
            check.AssertClean();

            // One re-consent may be open per workflow: this one is voided before the next language's.
            (await clinician.PostAsJsonAsync($"/api/v1/sessions/{reconsent.GetProperty("id").GetGuid()}/void",
                new { reason = "Shown in the other language next." })).EnsureSuccessStatusCode();
        }
    }

    private static async Task<StartedSession> StartVersion1Async(HttpClient clinician, Patient patient)
    {
        var response = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = Esketamine, workflowVersion = 1, language = "en",
            patient = new { name = patient.Name, dateOfBirth = patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
        });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new StartedSession(body.GetProperty("id").GetGuid(), new Uri(body.GetProperty("patientUrl").GetString()!).AbsolutePath);
    }
}
