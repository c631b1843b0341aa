using System.Net.Http.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The patient pages on a 320 px phone (issue 13): a clinician registers a patient (first with every error at
/// once), starts a consent from the patient's page, the patient signs, and the patient page shows the consent
/// as valid with its record's SHA-256 and the timeline; a correction needs a reason; the search is posted; the
/// auditor sees the same page read-only. Every page fits 320 px without sideways scrolling and passes axe.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PatientPagesTests(ServiceHost host)
{
    [Fact]
    public async Task RegisterStartSignAndCorrect_ThePatientPageAt320Pixels_ThenTheAuditorsReadOnlyView()
    {
        var mrn = "MRN-" + Guid.NewGuid().ToString("N")[..8];
        var patient = Patient.English with { Name = "Ann Marie Lee-" + Guid.NewGuid().ToString("N")[..4] };
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var clinician = await StaffBrowser.SignInAsync(host, context, StaffApi.Clinician);
        var check = new PageCheck(clinician, "patients-320", axe: true);

        await clinician.ClickAndLoadAsync("nav a[href='/clinician/patients']");
        Assert.Equal("page", await clinician.GetAttributeAsync("nav a[href='/clinician/patients']", "aria-current"));
        await check.CaptureAsync(clinician, "list");
        await AssertFitsAsync(clinician);

        // Register: nothing typed gives every problem at once, each linked to its field; then the real details.
        await clinician.ClickAndLoadAsync("form[action*='handler=Register'] button[type=submit]");
        Assert.Contains("Full name", await clinician.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        Assert.Equal(1, await clinician.Locator(".error-summary a[href='#new-dob']").CountAsync());
        await check.CaptureAsync(clinician, "register-errors");
        await AssertFitsAsync(clinician);
        await clinician.FillAsync("#new-name", patient.Name);
        await clinician.FillAsync("#new-dob", "1980-02-03");
        await clinician.FillAsync("#new-mrn", mrn);
        await clinician.FillAsync("#new-email", "ann.lee@example.org");
        await clinician.SelectOptionAsync("#new-language", "en");
        await clinician.ClickAndLoadAsync("form[action*='handler=Register'] button[type=submit]");
        Assert.Matches("/clinician/patients/[0-9a-f-]{36}$", clinician.Url);
        var patientPath = new Uri(clinician.Url).AbsolutePath;
        Assert.Contains("is registered", await clinician.InnerTextAsync(".notice"), StringComparison.Ordinal);
        Assert.Equal("No consent", await clinician.InnerTextAsync("#consent-ketamine-iv-depression .consent-status"));
        await check.CaptureAsync(clinician, "registered");
        await AssertFitsAsync(clinician);

        // "Start a consent" opens the start page for this patient: only the workflow and language are asked.
        await clinician.ClickAndLoadAsync("#start-consent");
        Assert.Contains(patient.Name, await clinician.InnerTextAsync("h1"), StringComparison.Ordinal);
        Assert.Equal(0, await clinician.Locator("#patient-name").CountAsync());
        await check.CaptureAsync(clinician, "start-for-patient");
        await AssertFitsAsync(clinician);
        await clinician.CheckAsync("#workflow-ketamine-iv-depression-1");
        await clinician.ClickAndLoadAsync("main form button[type=submit]");
        var patientUrl = await clinician.InputValueAsync("#patient-link");
        var sessionPath = new Uri(clinician.Url).AbsolutePath;

        await using (var phone = await host.NewContextAsync(Screen.Phone))
        {
            var patientPage = await phone.NewPageAsync();
            var walker = new PatientWalker(patientPage, new PageCheck(patientPage, "patients-320-signer", axe: false), patient);
            await walker.OpenAsync(new Uri(patientUrl).AbsolutePath);
            await walker.VerifyAsync();
            Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        }

        using (var api = await StaffApi.ClinicianClientAsync(host))
        {
            var countersigned = await api.PostAsJsonAsync($"/api/v1/sessions/{sessionPath.Split('/')[^1]}/countersign",
                new { password = ServiceHost.DemoPassword, statementAccepted = true });
            countersigned.EnsureSuccessStatusCode();
            await Deadline.UntilAsync("the consent record", async () => (await api.GetAsync($"/api/v1/sessions/{sessionPath.Split('/')[^1]}/record.pdf")).IsSuccessStatusCode);
        }

        // A correction without a reason is refused at the reason; with one it joins the timeline.
        await clinician.GotoAsync(patientPath);
        await clinician.FillAsync("#fix-email", "ann.m.lee@example.org");
        await clinician.ClickAndLoadAsync("form[action*='handler=Correct'] button[type=submit]");
        Assert.Equal(1, await clinician.Locator(".error-summary a[href='#fix-reason']").CountAsync());
        Assert.Equal("ann.m.lee@example.org", await clinician.InputValueAsync("#fix-email"));
        await check.CaptureAsync(clinician, "correct-errors");
        await AssertFitsAsync(clinician);
        await clinician.FillAsync("#fix-reason", "The patient gave a new address at the desk.");
        await clinician.ClickAndLoadAsync("form[action*='handler=Correct'] button[type=submit]");
        Assert.Contains("corrected", await clinician.InnerTextAsync(".notice"), StringComparison.Ordinal);

        // The patient page: the consent valid, its record's SHA-256 shortened and in full one tap away, the timeline newest first.
        var card = clinician.Locator("#consent-ketamine-iv-depression");
        Assert.Equal("Valid", await card.Locator(".consent-status").InnerTextAsync());
        Assert.Equal(1, await card.Locator($"a[href='{sessionPath}#withdraw-reason']").CountAsync());
        Assert.False(await card.Locator(".sha-full").IsVisibleAsync());
        await card.Locator("details.sha summary").ClickAsync();
        Assert.Matches("^[0-9a-f]{64}$", await card.Locator(".sha-full").InnerTextAsync());
        var entries = clinician.Locator("#timeline > li");
        Assert.Equal(2, await entries.CountAsync());
        Assert.Equal("Details corrected", await entries.Nth(0).Locator("h3").InnerTextAsync());
        Assert.Contains("Consent record (active)", await entries.Nth(1).InnerTextAsync(), StringComparison.Ordinal);
        await clinician.Locator("#timeline details.sha summary").ClickAsync();
        await check.CaptureAsync(clinician, "patient");
        await AssertFitsAsync(clinician);

        // The search is posted: the MRN stays out of the address.
        await clinician.GotoAsync("/clinician/patients");
        await clinician.FillAsync("#search-query", mrn);
        await clinician.ClickAndLoadAsync("form.search-form button[type=submit]");
        Assert.DoesNotContain(mrn, clinician.Url, StringComparison.Ordinal);
        Assert.Equal(1, await clinician.Locator("table.patients tbody tr").CountAsync());
        await check.CaptureAsync(clinician, "search");
        await AssertFitsAsync(clinician);
        await clinician.ClickAndLoadAsync($"table.patients a[href='{patientPath}']");
        check.AssertClean();

        // The auditor: the same page read-only, each session linked to its audit trail.
        await using var auditorContext = await host.NewContextAsync(Screen.Narrow);
        var auditor = await StaffBrowser.SignInAsync(host, auditorContext, StaffApi.Auditor);
        var audit = new PageCheck(auditor, "patients-320-auditor", axe: true);
        await auditor.ClickAndLoadAsync("nav a[href='/audit/patients']");
        await auditor.FillAsync("#search-query", patient.Name);
        await auditor.ClickAndLoadAsync("form.search-form button[type=submit]");
        await auditor.ClickAndLoadAsync("table.patients a[href^='/audit/patients/']");
        Assert.Equal("Valid", await auditor.InnerTextAsync("#consent-ketamine-iv-depression .consent-status"));
        Assert.Equal(1, await auditor.Locator($"#timeline a[href='/audit/sessions/{sessionPath.Split('/')[^1]}']").CountAsync());
        Assert.Equal(0, await auditor.Locator("main form").CountAsync());
        Assert.Equal(0, await auditor.Locator("main a[href^='/clinician/']").CountAsync());
        await audit.CaptureAsync(auditor, "patient");
        await AssertFitsAsync(auditor);
        audit.AssertClean();
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 320, $"{page.Url} is {width} px wide at a 320 px window");
    }
}
