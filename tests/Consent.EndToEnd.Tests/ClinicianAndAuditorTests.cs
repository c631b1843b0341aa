using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// A clinician starts a session on the start page and shows its QR code; the patient asks a question
/// on a phone; the clinician answers it on the session page; the patient signs; the clinician
/// countersigns; the auditor finds the session by MRN, sees the verified timeline and downloads the record.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ClinicianAndAuditorTests(ServiceHost host)
{
    [Fact]
    public async Task QuestionAnsweredOnTheClinicianPage_ThenSignedCountersignedAndAudited()
    {
        var mrn = "MRN-" + Guid.NewGuid().ToString("N")[..8];
        await using var clinicianContext = await host.NewContextAsync(Screen.Desktop);
        var clinician = await StaffBrowser.SignInAsync(host, clinicianContext, StaffApi.Clinician);
        var staffCheck = new PageCheck(clinician, "clinician", axe: true);

        await clinician.GotoAsync("/clinician/start");
        await staffCheck.CaptureAsync(clinician, "start");
        await clinician.CheckAsync("#workflow-ketamine-iv-depression-1");
        await clinician.SelectOptionAsync("#language", "en");
        await clinician.FillAsync("#patient-name", Patient.English.Name);
        await clinician.FillAsync("#patient-dob", "1980-02-03");
        await clinician.FillAsync("#patient-mrn", mrn);
        await clinician.ClickAndLoadAsync("main form button[type=submit]");
        Assert.Matches("/clinician/sessions/[0-9a-f-]{36}$", clinician.Url);
        Assert.True(await clinician.Locator("img.qr").IsVisibleAsync());
        var patientUrl = await clinician.InputValueAsync("#patient-link");
        Assert.Matches("/p/[A-Za-z0-9_-]{43}$", patientUrl);
        await staffCheck.CaptureAsync(clinician, "session-new-link");
        var sessionPath = new Uri(clinician.Url).AbsolutePath;

        await using var patientContext = await host.NewContextAsync(Screen.Phone);
        var patientPage = await patientContext.NewPageAsync();
        var check = new PageCheck(patientPage, "question-en-phone", axe: true);
        var walker = new PatientWalker(patientPage, check, Patient.English);
        await walker.OpenAsync(new Uri(patientUrl).AbsolutePath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Ask, await walker.WalkAsync(Kind.Ask));

        await patientPage.FillAsync("#question", "Can I eat before a session?");
        await walker.SubmitAsync("form[action*='handler=Ask'] button[type=submit]");
        Assert.Equal(1, await patientPage.Locator(".qa-pending").CountAsync());
        await check.CaptureAsync(patientPage, "question-sent", "ask-sent");
        await walker.SubmitAsync("form[action*='handler=AskDone'] button[type=submit]");
        Assert.Equal(Kind.Waiting, await walker.KindAsync());
        await check.CaptureAsync(patientPage, "waiting-for-answer", "waiting-questions");

        await clinician.GotoAsync(sessionPath);
        Assert.Contains("Can I eat before a session?", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);
        await staffCheck.CaptureAsync(clinician, "session-question");
        await clinician.FillAsync("textarea[name=answer]", "Please do not eat for 6 hours before; water is fine until 2 hours before.");
        await clinician.ClickAndLoadAsync("form[action*='handler=Answer'] button[type=submit]");
        Assert.Contains("Your answer was sent", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);

        // The waiting page checks for news on its own and moves on to the certification screen.
        await patientPage.Locator("a[href$='/sign']").WaitForAsync(new() { Timeout = (float)Deadline.Limit.TotalMilliseconds });
        Assert.Contains("Please do not eat for 6 hours", await patientPage.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(Kind.Waiting, await walker.WalkAsync());

        await clinician.GotoAsync(sessionPath);
        await staffCheck.CaptureAsync(clinician, "session-countersign");
        await clinician.Locator("#statement-accepted").CheckAsync();
        await clinician.FillAsync("#countersign-password", "not my password");
        await clinician.ClickAndLoadAsync("form[action*='handler=Countersign'] button[type=submit]");
        Assert.Contains("password is not correct", await clinician.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await clinician.Locator("#statement-accepted").CheckAsync();
        await clinician.FillAsync("#countersign-password", ServiceHost.DemoPassword);
        await clinician.ClickAndLoadAsync("form[action*='handler=Countersign'] button[type=submit]");
        Assert.Contains("You countersigned", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal("Completed", await clinician.Locator(".status").First.InnerTextAsync());
        await staffCheck.CaptureAsync(clinician, "session-completed");

        // The patient's "signed" page notices the countersignature and shows the completion page.
        await patientPage.Locator("a[href$='/record.pdf']").WaitForAsync(new() { Timeout = (float)Deadline.Limit.TotalMilliseconds });
        await check.CaptureAsync(patientPage, "completed", "completed");

        await clinician.GotoAsync("/clinician");
        await staffCheck.CaptureAsync(clinician, "dashboard");
        Assert.Contains(Patient.English.Name, await clinician.InnerTextAsync("table.sessions"), StringComparison.Ordinal);

        await using var auditorContext = await host.NewContextAsync(Screen.Desktop);
        var auditor = await StaffBrowser.SignInAsync(host, auditorContext, StaffApi.Auditor);
        var auditCheck = new PageCheck(auditor, "auditor", axe: true);
        await auditor.GotoAsync("/audit");
        await auditor.FillAsync("#mrn", mrn);
        await auditor.ClickAndLoadAsync("main form button[type=submit]");
        Assert.DoesNotContain(mrn, auditor.Url, StringComparison.Ordinal);
        await auditCheck.CaptureAsync(auditor, "search");
        await auditor.ClickAndLoadAsync("table a[href^='/audit/sessions/']");
        Assert.StartsWith("✓ Verified", await auditor.InnerTextAsync("#chain-result"), StringComparison.Ordinal);
        Assert.Contains("Question answered", await auditor.InnerTextAsync("table.timeline"), StringComparison.Ordinal);
        Assert.Contains("Clinician countersigned", await auditor.InnerTextAsync("table.timeline"), StringComparison.Ordinal);
        await auditCheck.CaptureAsync(auditor, "timeline");

        var record = await DownloadRecordAsync(auditor, auditorContext, "a[href$='/record.pdf']");

        // The auditor checks the downloaded file on the verify page, and starts an export.
        await auditor.GotoAsync("/audit/verify");
        await auditor.SetInputFilesAsync("#upload", record);
        await auditor.ClickAndLoadAsync("main form button[type=submit]");
        Assert.StartsWith("✓ Genuine", await auditor.InnerTextAsync("#result-heading"), StringComparison.Ordinal);
        await auditCheck.CaptureAsync(auditor, "verify");
        await auditor.GotoAsync("/audit/export");
        await auditCheck.CaptureAsync(auditor, "export");
        var export = await auditor.RunAndWaitForDownloadAsync(() => auditor.Locator("main form button[type=submit]").ClickAsync());
        Assert.EndsWith(".zip", export.SuggestedFilename, StringComparison.OrdinalIgnoreCase);

        // The patient's own copy, from the completion page's link.
        var copy = await patientContext.APIRequest.GetAsync((await patientPage.GetAttributeAsync("a[href$='/record.pdf']", "href"))!);
        Assert.True(copy.Ok, $"patient copy: {copy.Status}");
        Assert.Equal("application/pdf", copy.Headers["content-type"]);

        // Later the patient withdraws from their own link, after a confirmation.
        await patientPage.GotoAsync(new Uri(patientUrl).AbsolutePath);
        await walker.SubmitAsync("a[href$='/withdraw']");
        await check.CaptureAsync(patientPage, "withdraw-confirm", "withdraw");
        await patientPage.FillAsync("#withdraw-reason", "I decided on therapy instead.");
        await walker.SubmitAsync("form button.button-danger");
        Assert.Equal("You withdrew your consent", await patientPage.InnerTextAsync("h1"));
        await check.CaptureAsync(patientPage, "withdrawn", "withdrawn");
        var withdrawal = (await patientPage.GetAttributeAsync("a[href$='kind=Withdrawal']", "href"))!;
        await Deadline.UntilAsync("the withdrawal record", async () => (await patientContext.APIRequest.GetAsync(withdrawal)).Ok);

        await clinician.GotoAsync(sessionPath);
        Assert.Equal("Withdrawn", await clinician.Locator(".status").First.InnerTextAsync());

        staffCheck.AssertClean();
        check.AssertClean();
        auditCheck.AssertClean();
    }

    [Fact]
    public async Task ClinicianMakesANewLink_TheOldOneStopsWorking_ThenVoidsTheSession()
    {
        var session = await StaffApi.StartAsync(host, Patient.English, "en");
        await using var clinicianContext = await host.NewContextAsync(Screen.Desktop);
        var clinician = await StaffBrowser.SignInAsync(host, clinicianContext, StaffApi.Clinician);
        var staffCheck = new PageCheck(clinician, "clinician-relink", axe: true);
        await clinician.GotoAsync($"/clinician/sessions/{session.Id}");
        Assert.Equal(0, await clinician.Locator("#patient-link").CountAsync());
        await clinician.ClickAndLoadAsync("form[action*='handler=Reissue'] button[type=submit]");
        Assert.Contains("A new link was made", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);
        var newLink = new Uri(await clinician.InputValueAsync("#patient-link")).AbsolutePath;
        Assert.NotEqual(session.PatientPath, newLink);
        await staffCheck.CaptureAsync(clinician, "new-link");

        await using var patientContext = await host.NewContextAsync(Screen.Phone);
        var page = await patientContext.NewPageAsync();
        var check = new PageCheck(page, "relink-en-phone", axe: true);
        await page.GotoAsync(session.PatientPath);
        Assert.Equal("This link does not work", await page.InnerTextAsync("h1"));
        await check.CaptureAsync(page, "old-link");

        await clinician.FillAsync("#void-reason", "Entered for the wrong patient.");
        await clinician.ClickAndLoadAsync("form[action*='handler=Void'] button[type=submit]");
        Assert.Equal("Voided", await clinician.Locator(".status").First.InnerTextAsync());
        await page.GotoAsync(newLink);
        Assert.Equal("This form is no longer in use", await page.InnerTextAsync("h1"));
        await check.CaptureAsync(page, "voided");
        staffCheck.AssertClean();
        check.AssertClean();
    }

    /// <summary>
    /// The signed record is issued in the background (outbox) shortly after the session ends: wait
    /// for it, then download it from the page's link as the auditor would.
    /// </summary>
    private static async Task<string> DownloadRecordAsync(IPage page, IBrowserContext context, string selector)
    {
        var href = await page.GetAttributeAsync(selector, "href");
        await Deadline.UntilAsync("the signed record after the session ended", async () => (await context.APIRequest.GetAsync(href!)).Ok);

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator(selector).First.ClickAsync());
        Assert.EndsWith(".pdf", download.SuggestedFilename, StringComparison.OrdinalIgnoreCase);
        var path = Path.Combine(PageCheck.ScreenshotFolder, "..", download.SuggestedFilename);
        await download.SaveAsAsync(path);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path), 0, 5), StringComparison.Ordinal);
        return path;
    }
}
