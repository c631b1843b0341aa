using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// Issue 13: a patient signed esketamine version 1, and version 2 requires re-consent (both approved in Development).
/// The renewal job raises it in the clinician's "Needs you"; on a 320 px screen the clinician opens "Consents to renew",
/// chooses the patient and asks again; the link shows once, and the patient who opens it first sees what changed.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class RenewalTests(ServiceHost host)
{
    private const string Esketamine = "esketamine-nasal-trd";

    [Fact]
    public async Task TheRenewalJobRaisesIt_AndTheClinicianAsksAgainFromConsentsToRenew_At320Pixels()
    {
        var patient = Patient.English with { Name = "Renée Renewal-" + Guid.NewGuid().ToString("N")[..4] };
        using var api = await StaffApi.ClinicianClientAsync(host);
        var response = await api.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = Esketamine, workflowVersion = 1, language = "en",
            patient = new { name = patient.Name, dateOfBirth = patient.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) },
        });
        response.EnsureSuccessStatusCode();
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        var firstId = started.GetProperty("id").GetGuid();
        await using (var signing = await host.NewContextAsync(Screen.Desktop))
        {
            var page = await signing.NewPageAsync();
            var walker = new PatientWalker(page, new PageCheck(page, "renewal-v1", axe: false), patient) { Draw = false };
            await walker.OpenAsync(new Uri(started.GetProperty("patientUrl").GetString()!).AbsolutePath);
            await walker.VerifyAsync();
            Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        }

        (await api.PostAsJsonAsync($"/api/v1/sessions/{firstId}/countersign",
            new { password = ServiceHost.DemoPassword, statementAccepted = true })).EnsureSuccessStatusCode();

        await using var context = await host.NewContextAsync(Screen.Narrow);
        var clinician = await StaffBrowser.SignInAsync(host, context, StaffApi.Clinician);
        var check = new PageCheck(clinician, "renewals-320", axe: true);

        // The job runs every few seconds here: "Needs you" names the patient once it has.
        var needs = clinician.Locator("#renewals-needs li", new() { HasText = patient.Name });
        await Deadline.UntilAsync("the renewal in Needs you", async () =>
        {
            await clinician.GotoAsync("/clinician");
            return await needs.CountAsync() == 1;
        });
        Assert.Contains("a new version requires re-consent", await needs.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await clinician.Locator("#needs-none").IsHiddenAsync());
        await check.CaptureAsync(clinician, "needs-you");
        await AssertFitsAsync(clinician);

        await clinician.ClickAndLoadAsync("main a[href='/clinician/renewals']");
        Assert.Equal("page", await clinician.GetAttributeAsync("nav a[href='/clinician/renewals']", "aria-current"));
        var row = clinician.Locator("#renewals-table tbody tr", new() { HasText = patient.Name });
        Assert.Equal("Re-consent due", await row.Locator(".consent-status").InnerTextAsync());
        await check.CaptureAsync(clinician, "list");
        await AssertFitsAsync(clinician);

        // Nothing chosen: said at the top, nothing started.
        await clinician.ClickAndLoadAsync("main form button[type=submit]");
        Assert.Contains("Choose at least one patient", await clinician.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "nothing-chosen");

        await clinician.Locator("#renewals-table tbody tr", new() { HasText = patient.Name }).Locator("input[type=checkbox]").CheckAsync();
        await clinician.ClickAndLoadAsync("main form button[type=submit]");
        Assert.Equal("1 patient was asked to consent again", await clinician.InnerTextAsync("#results-heading"));
        var link = await clinician.Locator("#results input.patient-link").InputValueAsync();
        Assert.Contains("Asked on", await clinician.Locator("#renewals-table tbody tr", new() { HasText = patient.Name }).InnerTextAsync(), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "asked");
        await AssertFitsAsync(clinician);
        check.AssertClean();

        await using var phone = await host.NewContextAsync(Screen.Phone);
        var patientPage = await phone.NewPageAsync();
        var reader = new PatientWalker(patientPage, new PageCheck(patientPage, "renewal-patient", axe: false), patient);
        await reader.OpenAsync(new Uri(link).AbsolutePath);
        await reader.VerifyAsync();
        Assert.StartsWith("What changed since you signed on", await patientPage.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 320, $"{page.Url} is {width} px wide at a 320 px window");
    }
}
