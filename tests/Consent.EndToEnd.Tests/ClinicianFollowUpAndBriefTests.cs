using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The clinician's session page while the patient works (issue 19, items 10, 11, 13, 15): it updates
/// in place (the one-time link stays), a referral appears in "Needs you" and is followed up, and the
/// brief before countersigning shows what the clinician attests to, in English, for a Spanish session.
/// Screenshots at 1280×800 and 360×740.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ClinicianFollowUpAndBriefTests(ServiceHost host)
{
    [Fact]
    public async Task AReferralArrivesWhileThePageIsOpen_TheLinkStays_AndItIsFollowedUp()
    {
        await using var clinicianContext = await host.NewContextAsync(Screen.Desktop);
        var clinician = await StaffBrowser.SignInAsync(host, clinicianContext, StaffApi.Clinician);
        await clinician.SetViewportSizeAsync(1280, 800);
        var staffCheck = new PageCheck(clinician, "clinician-referral", axe: true);

        await clinician.GotoAsync("/clinician/start");
        Assert.Equal(0, await clinician.Locator("input[name='Input.Workflow']:checked").CountAsync());
        await staffCheck.CaptureAsync(clinician, "start");
        await clinician.CheckAsync("#workflow-ketamine-iv-depression-1");
        await clinician.FillAsync("#patient-name", Patient.English.Name);
        await clinician.FillAsync("#patient-dob", "1980-02-03");
        await clinician.FillAsync("#patient-email", "ann.lee@example.org");
        await clinician.ClickAndLoadAsync("main form button[type=submit]");
        Assert.Contains("invitation email to ann.lee@example.org", await clinician.InnerTextAsync("[data-field=invitation]"), StringComparison.Ordinal);
        var patientUrl = await clinician.InputValueAsync("#patient-link");
        var sessionPath = new Uri(clinician.Url).AbsolutePath;
        await staffCheck.CaptureAsync(clinician, "started");

        await using var patientContext = await host.NewContextAsync(Screen.Phone);
        var patientPage = await patientContext.NewPageAsync();
        var walker = new PatientWalker(patientPage, new PageCheck(patientPage, "referral-en-phone", axe: false), Patient.English)
        {
            SaysYes = id => id == "psychosis",
        };
        await walker.OpenAsync(new Uri(patientUrl).AbsolutePath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Ending, await walker.WalkAsync());

        // No reload: the badge turns, the banner and "Needs you" appear, the link is still there.
        await clinician.Locator("#referral-heading").WaitForAsync(new() { Timeout = (float)Deadline.Limit.TotalMilliseconds });
        Assert.Equal("Referred", await clinician.Locator(".status[data-field=status]").InnerTextAsync());
        Assert.Equal(patientUrl, await clinician.InputValueAsync("#patient-link"));
        Assert.Contains("contact the patient", await clinician.InnerTextAsync("[data-live=needs]"), StringComparison.Ordinal);
        Assert.Contains("psychosis", await clinician.InnerTextAsync("#referral"), StringComparison.Ordinal);
        await staffCheck.CaptureAsync(clinician, "referred-live");
        await clinician.Locator("#referral details summary").ClickAsync();
        Assert.Contains("A member of your care team will contact you soon", await clinician.InnerTextAsync("#referral details"), StringComparison.Ordinal);

        await clinician.GotoAsync("/clinician");
        var mine = clinician.Locator($"#needs-list li:has(a[href='{sessionPath}'])");
        Assert.Contains("contact the patient", await mine.InnerTextAsync(), StringComparison.Ordinal);
        await staffCheck.CaptureAsync(clinician, "needs-you");
        await clinician.SetViewportSizeAsync(360, 740);
        await staffCheck.CaptureAsync(clinician, "needs-you-360", "needs-you-360");
        await clinician.SetViewportSizeAsync(1280, 800);
        await clinician.ClickAndLoadAsync($"#needs-list a[href='{sessionPath}']");

        await clinician.FillAsync("#follow-up-note", "Phoned the patient; booked a psychiatry review for Monday.");
        await clinician.ClickAndLoadAsync("form[action*='handler=FollowUp'] button[type=submit]");
        Assert.Contains("Followed up", await clinician.InnerTextAsync("#referral"), StringComparison.Ordinal);
        await staffCheck.CaptureAsync(clinician, "followed-up");
        await clinician.GotoAsync("/clinician");
        Assert.Equal(0, await clinician.Locator($"#needs-list a[href='{sessionPath}']").CountAsync());
        staffCheck.AssertClean();
    }

    [Fact]
    public async Task TheBriefBeforeCountersigning_ShowsWhatTheClinicianAttestsTo()
    {
        var session = await StaffApi.StartAsync(host, Patient.Spanish, "es");
        await using var clinicianContext = await host.NewContextAsync(Screen.Desktop);
        var clinician = await StaffBrowser.SignInAsync(host, clinicianContext, StaffApi.Clinician);
        await clinician.SetViewportSizeAsync(1280, 800);
        var staffCheck = new PageCheck(clinician, "clinician-brief", axe: true);

        await using var patientContext = await host.NewContextAsync(Screen.Phone);
        var patientPage = await patientContext.NewPageAsync();
        var walker = new PatientWalker(patientPage, new PageCheck(patientPage, "brief-es-phone", axe: false), Patient.Spanish)
        {
            SaysYes = id => id == "substance_use",
            MissQuizOnce = true,
        };
        await walker.OpenAsync(session.PatientPath);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Waiting, await walker.WalkAsync(Kind.Sign));

        await clinician.GotoAsync($"/clinician/sessions/{session.Id}");
        var card = await clinician.InnerTextAsync("[data-live=discussion]");
        Assert.Contains("Substance use history", card, StringComparison.Ordinal);
        Assert.DoesNotContain("discuss-", card, StringComparison.Ordinal);
        await staffCheck.CaptureAsync(clinician, "discussion");
        await clinician.FillAsync("#discussion-note", "Talked through the alcohol history; sober four years; agreed to go on.");
        await clinician.ClickAndLoadAsync("form[action*='handler=Discussion'] button[type=submit]");

        await patientPage.Locator("a[href$='/sign']").WaitForAsync(new() { Timeout = (float)Deadline.Limit.TotalMilliseconds });
        Assert.Equal(Kind.Waiting, await walker.WalkAsync());

        // The page updates itself to the brief and the countersign form.
        await clinician.Locator("#brief").WaitForAsync(new() { Timeout = (float)Deadline.Limit.TotalMilliseconds });
        var brief = await clinician.InnerTextAsync("#brief");
        Assert.Contains("Do you have, or have you ever had, a problem with alcohol or drug use?", brief, StringComparison.Ordinal);
        Assert.Contains("Missed on attempt 1", brief, StringComparison.Ordinal);
        Assert.Contains("sober four years", brief, StringComparison.Ordinal);
        Assert.Contains("matches the registered name", brief, StringComparison.Ordinal);
        Assert.Equal(1, await clinician.Locator("#brief svg.signature-drawing").CountAsync());
        Assert.Contains("I discussed the risks", await clinician.InnerTextAsync("#countersign-heading + p + .statement"), StringComparison.Ordinal);
        await staffCheck.CaptureAsync(clinician, "brief");
        await clinician.SetViewportSizeAsync(360, 740);
        await staffCheck.CaptureAsync(clinician, "brief-360", "brief-360");

        await clinician.Locator("#countersign-heading ~ details summary").ClickAsync();
        Assert.Contains("Hablé", await clinician.InnerTextAsync("#countersign-heading ~ details"), StringComparison.Ordinal);
        await clinician.SetViewportSizeAsync(1280, 800);
        await clinician.Locator("#statement-accepted").CheckAsync();
        await clinician.FillAsync("#countersign-password", ServiceHost.DemoPassword);
        await clinician.ClickAndLoadAsync("form[action*='handler=Countersign'] button[type=submit]");
        Assert.Equal("Completed", await clinician.Locator(".status").First.InnerTextAsync());
        staffCheck.AssertClean();
    }
}
