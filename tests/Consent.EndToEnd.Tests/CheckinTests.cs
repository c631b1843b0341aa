using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// Issue 14: dose-day check-ins in the browser, at 320 px, with axe on every page. A patient with a signed consent to
/// IV ketamine checks in: cleared (in Spanish, on their own phone); held for want of a ride home and released by the
/// clinician after a talk (in English, on a clinic tablet the clinician opened); and a patient who no longer agrees,
/// who withdraws their consent from the check-in.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class CheckinTests(ServiceHost host)
{
    private const string Consent = "ketamine-iv-depression";
    private const string Checkin = "ketamine-iv-dose-checkin";

    [Fact]
    public async Task NothingToReport_InSpanish_ClearsTheCheckin_AndOpensTheGate()
    {
        var (patient, patientId) = await SignedConsentAsync("Clara Check-");
        await using var staff = await host.NewContextAsync(Screen.Narrow);
        var clinician = await StaffBrowser.SignInAsync(host, staff, StaffApi.Clinician);
        var staffCheck = new PageCheck(clinician, "checkin-cleared-staff", axe: true);
        var link = await StartFromPatientPageAsync(clinician, staffCheck, patientId);

        await using var phone = await host.NewContextAsync(Screen.Narrow);
        var page = await phone.NewPageAsync();
        var check = new PageCheck(page, "checkin-cleared-es", axe: true);
        var walker = new PatientWalker(page, check, patient) { SaysYes = id => id == "ride_home" };
        await walker.OpenAsync(link);
        await walker.SubmitAsync("a[hreflang=es]");
        await walker.VerifyAsync();
        Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        Assert.Contains(Kind.Affirmation, walker.Seen);
        Assert.Equal("Gracias. Tenemos sus respuestas", await page.Locator("h1").InnerTextAsync());
        await AssertFitsAsync(page);

        // The nurse enters the blood pressure and confirms the ride: nothing holds, so it is cleared.
        var sessionPath = new Uri(clinician.Url).AbsolutePath;
        await clinician.GotoAsync(sessionPath);
        Assert.Contains("staff check to enter", await clinician.InnerTextAsync(".needs-you"), StringComparison.Ordinal);
        await EnterStaffCheckAsync(clinician, systolic: "124", diastolic: "78", rideConfirmed: true);
        Assert.Equal("Cleared for today", await clinician.InnerTextAsync("[data-field=status]"));
        await staffCheck.CaptureAsync(clinician, "cleared");

        await page.ReloadAsync();
        Assert.Equal("Ya está registrado para hoy", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("a[href$='/withdraw']").CountAsync()); // withdrawal stays on offer
        // The patient's copy: the signed one-page check-in record, once the outbox has issued it.
        var copy = await Deadline.ValueAsync("the check-in record", async () =>
        {
            var response = await page.APIRequest.GetAsync(await page.Locator("a[href$='/record.pdf']").GetAttributeAsync("href") ?? "");
            return response.Ok ? await response.BodyAsync() : null;
        });
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(copy, 0, 4));
        await check.CaptureAsync(page, "cleared", "checkin-cleared");
        await AssertFitsAsync(page);

        using var api = await StaffApi.ClinicianClientAsync(host);
        var gate = await api.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patientId}/gate?workflow={Consent}");
        Assert.True(gate.GetProperty("allowed").GetBoolean(), gate.ToString());
        check.AssertClean();
        staffCheck.AssertClean();
    }

    [Fact]
    public async Task NoRideHome_OnAClinicTablet_IsHeld_ThenReleasedByTheClinician()
    {
        var (patient, patientId) = await SignedConsentAsync("Tomás Tablet-");
        await using var tablet = await host.NewContextAsync(Screen.Narrow);
        var clinician = await StaffBrowser.SignInAsync(host, tablet, StaffApi.Clinician);
        var check = new PageCheck(clinician, "checkin-held-tablet", axe: true);

        // From "Check-ins today": the patient is listed with their consent in force and nothing started yet.
        await clinician.ClickAndLoadAsync("nav a[href='/clinician/checkins']");
        var row = clinician.Locator($"#checkins-table tr[data-patient='{patientId}']");
        Assert.Equal("Valid", await row.Locator(".consent-status").InnerTextAsync());
        await check.CaptureAsync(clinician, "today");
        await AssertFitsAsync(clinician);
        await row.Locator("button.start-checkin").ClickAsync();
        await clinician.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.Contains("/clinician/sessions/", clinician.Url, StringComparison.Ordinal);
        var sessionPath = new Uri(clinician.Url).AbsolutePath;

        // The clinician hands the tablet over: a link for it, and the staff sign-in ends on this device.
        await clinician.ClickAndLoadAsync("form[action*='handler=Tablet'] button");
        var walker = new PatientWalker(clinician, check, patient); // says no to every question: no ride home
        Assert.Equal(Kind.DateOfBirth, await walker.KindAsync());
        await clinician.GotoAsync("/clinician");
        Assert.Contains("/Account/Login", clinician.Url, StringComparison.Ordinal);
        await clinician.GoBackAsync();
        await walker.VerifyAsync();
        Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        Assert.Equal("Please give the tablet back to the staff.", await clinician.InnerTextAsync(".hand-back"));
        Assert.DoesNotContain(await tablet.CookiesAsync(), c => c.Name == "consent_patient"); // the patient's access ends on the tablet
        await AssertFitsAsync(clinician);

        // Back with staff: sign in again, enter the checks; the missing ride holds it for the clinician.
        clinician = await StaffBrowser.SignInAsync(host, tablet, StaffApi.Clinician);
        await clinician.GotoAsync(sessionPath);
        Assert.Contains("a clinic tablet", await clinician.InnerTextAsync(".checkin"), StringComparison.Ordinal);
        await EnterStaffCheckAsync(clinician, systolic: "118", diastolic: "76", rideConfirmed: false);
        Assert.Equal("Held: needs a clinician", await clinician.InnerTextAsync("[data-field=status]"));
        Assert.Contains("No ride home confirmed", await clinician.InnerTextAsync(".needs-you"), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "held");
        await clinician.GotoAsync("/clinician");
        Assert.Contains("check-in held", await clinician.Locator("tr", new() { HasText = patient.Name }).Filter(new() { HasText = "Check-in before" }).InnerTextAsync(), StringComparison.Ordinal);
        await clinician.GotoAsync("/clinician/checkins");
        Assert.Equal("Held: needs a clinician", await clinician.Locator($"#checkins-table tr[data-patient='{patientId}'] .status-Held").InnerTextAsync());
        Assert.Equal(patientId.ToString(), await clinician.Locator("#checkins-table tbody tr").First.GetAttributeAsync("data-patient")); // held first
        await clinician.GotoAsync(sessionPath);

        // A wrong password signs nothing; the right one releases it.
        await clinician.CheckAsync("#decision-cleared");
        await clinician.FillAsync("#decision-note", "His brother will drive him home; confirmed by phone.");
        await clinician.FillAsync("#decision-password", "not-the-password");
        await clinician.ClickAndLoadAsync("form[action*='handler=Decide'] button[type=submit]");
        Assert.Contains("password is not correct", await clinician.InnerTextAsync(".error-summary"), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "wrong-password");
        await clinician.CheckAsync("#decision-cleared");
        await clinician.FillAsync("#decision-note", "His brother will drive him home; confirmed by phone.");
        await clinician.FillAsync("#decision-password", ServiceHost.DemoPassword);
        await clinician.ClickAndLoadAsync("form[action*='handler=Decide'] button[type=submit]");
        Assert.Equal("Cleared for today", await clinician.InnerTextAsync("[data-field=status]"));
        Assert.Contains("Cleared after a discussion", await clinician.InnerTextAsync(".checkin .recorded"), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "released");
        await AssertFitsAsync(clinician);

        using var api = await StaffApi.ClinicianClientAsync(host);
        var id = sessionPath.Split('/')[^1];
        var events = await api.GetStringAsync($"/api/v1/sessions/{id}/events");
        Assert.Contains("\"device\":\"clinic-tablet\"", events.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var gate = await api.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patientId}/gate?workflow={Consent}");
        Assert.True(gate.GetProperty("allowed").GetBoolean(), gate.ToString());
        check.AssertClean();
    }

    [Fact]
    public async Task APatientWhoNoLongerAgrees_IsOfferedWithdrawal_AndWithdraws()
    {
        var (patient, patientId) = await SignedConsentAsync("Wanda Withdraw-");
        using var api = await StaffApi.ClinicianClientAsync(host);
        var started = await api.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = Checkin });
        started.EnsureSuccessStatusCode();
        var link = new Uri((await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("patientUrl").GetString()!).AbsolutePath;

        await using var phone = await host.NewContextAsync(Screen.Narrow);
        var page = await phone.NewPageAsync();
        var check = new PageCheck(page, "checkin-withdraw-en", axe: true);
        var walker = new PatientWalker(page, check, patient) { SaysYes = id => id == "ride_home", DisagreesToday = true };
        await walker.OpenAsync(link);
        await walker.VerifyAsync();
        Assert.Equal(Kind.Ending, await walker.WalkAsync());
        Assert.Equal("You do not have to go on", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("If you only do not want a dose today, you do not need to do anything else.", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await AssertFitsAsync(page);

        await walker.SubmitAsync("a[href$='/withdraw']");
        await check.CaptureAsync(page, "withdraw", "withdraw");
        await page.FillAsync("#withdraw-reason", "I want to stop the treatment.");
        await walker.SubmitAsync("form button[type=submit]");
        Assert.Equal("We have recorded that you withdrew your consent. Your other care does not change. If you have questions, please contact your clinic.",
            await page.InnerTextAsync("main .notice"));
        Assert.Equal(0, await page.Locator("a[href$='/withdraw']").CountAsync());
        await check.CaptureAsync(page, "withdrawn", "checkin-withdrawn");
        await AssertFitsAsync(page);

        var consents = await api.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patientId}/consents");
        Assert.Equal("withdrawn", consents.GetProperty("consents").EnumerateArray()
            .Single(c => c.GetProperty("workflowId").GetString() == Consent).GetProperty("status").GetString());
        var gate = await api.GetFromJsonAsync<JsonElement>($"/api/v1/patients/{patientId}/gate?workflow={Consent}");
        Assert.False(gate.GetProperty("allowed").GetBoolean());
        check.AssertClean();
    }

    /// <summary>A new patient with a completed IV ketamine consent (walked on the patient pages, countersigned through the API).</summary>
    private async Task<(Patient Patient, Guid Id)> SignedConsentAsync(string namePrefix)
    {
        var patient = Patient.English with { Name = namePrefix + Guid.NewGuid().ToString("N")[..4] };
        var started = await StaffApi.StartAsync(host, patient, "en", Consent, mrn: "MRN-CI-" + Guid.NewGuid().ToString("N")[..8]);
        await using (var signing = await host.NewContextAsync(Screen.Desktop))
        {
            var page = await signing.NewPageAsync();
            var walker = new PatientWalker(page, new PageCheck(page, "checkin-consent", axe: false), patient) { Draw = false };
            await walker.OpenAsync(started.PatientPath);
            await walker.VerifyAsync();
            Assert.Equal(Kind.Waiting, await walker.WalkAsync());
        }

        using var api = await StaffApi.ClinicianClientAsync(host);
        (await api.PostAsJsonAsync($"/api/v1/sessions/{started.Id}/countersign",
            new { password = ServiceHost.DemoPassword, statementAccepted = true })).EnsureSuccessStatusCode();
        var patientId = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{started.Id}")).GetProperty("patientId").GetGuid();
        return (patient, patientId);
    }

    /// <summary>From the clinician's patient page: "Start today's check-in"; the check-in's page shows the link once.</summary>
    private static async Task<string> StartFromPatientPageAsync(IPage clinician, PageCheck check, Guid patientId)
    {
        await clinician.GotoAsync($"/clinician/patients/{patientId}");
        await check.CaptureAsync(clinician, "patient");
        await clinician.ClickAndLoadAsync("button.start-checkin");
        Assert.Contains("/clinician/sessions/", clinician.Url, StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "started");
        await AssertFitsAsync(clinician);
        return new Uri(await clinician.Locator("#patient-link").InputValueAsync()).AbsolutePath;
    }

    private static async Task EnterStaffCheckAsync(IPage clinician, string systolic, string diastolic, bool rideConfirmed)
    {
        await clinician.FillAsync("#f-before-dose-bp_systolic", systolic);
        await clinician.FillAsync("#f-before-dose-bp_diastolic", diastolic);
        await clinician.CheckAsync(rideConfirmed ? "#f-before-dose-ride_confirmed-yes" : "#f-before-dose-ride_confirmed-no");
        await clinician.ClickAndLoadAsync("form[action*='handler=StaffCheck'] button[type=submit]");
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 320, $"{page.Url} is {width} px wide at a 320 px window");
    }
}
