using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.StaffPages;

/// <summary>
/// The clinician's patient page offers re-consent for a consent that is reconsent-due (in Development both
/// esketamine versions are approved, so a consent on version 1 is due at once); a second one while the first is
/// open is refused on the page with the reason, and nothing is started.
/// </summary>
public sealed class ReconsentPageTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task AConsentDueForReconsent_HasTheButton_WhichStartsOneSessionAndRefusesASecond()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var response = await driver.Clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "esketamine-nasal-trd", workflowVersion = 1, language = "en",
            patient = new { name = PatientDriver.PatientName, dateOfBirth = PatientDriver.DateOfBirth },
        });
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var url = body["patientUrl"]!.GetValue<string>();
        var first = new StartedSession(body["id"]!.GetValue<Guid>(), url[(url.LastIndexOf('/') + 1)..], url);
        await driver.WalkAsync(await driver.VerifyAsync(first), first);
        Assert.Equal(HttpStatusCode.OK, (await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{first.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true })).StatusCode);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, first.Id);
        var patientId = (await driver.SessionAsync(first.Id))["patientId"]!.GetValue<Guid>();
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var pagePath = $"/clinician/patients/{patientId}";

        var page = WebUtility.HtmlDecode(await browser.GetStringAsync(pagePath));
        var started = await StaffCookies.PostFormAsync(browser, pagePath, pagePath + "?handler=Reconsent",
            new Dictionary<string, string> { ["workflowId"] = "esketamine-nasal-trd" });
        var again = await StaffCookies.PostFormAsync(browser, pagePath, pagePath + "?handler=Reconsent",
            new Dictionary<string, string> { ["workflowId"] = "esketamine-nasal-trd" });

        Assert.Contains("Ask the patient to consent again", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var newSession = started.Headers.Location!.OriginalString;
        Assert.StartsWith("/clinician/sessions/", newSession, StringComparison.Ordinal);
        var created = await driver.SessionAsync(Guid.Parse(newSession["/clinician/sessions/".Length..]));
        // On the newest approved version: 3 (2 added the REMS page that makes version 1 due; 3 added key information).
        Assert.Equal((3, patientId), (created["workflowVersion"]!.GetValue<int>(), created["patientId"]!.GetValue<Guid>()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var refused = WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync());
        Assert.Contains("The re-consent was not started", refused, StringComparison.Ordinal);
        Assert.Contains("is still open for this patient", refused, StringComparison.Ordinal);
        var timeline = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}"))!;
        Assert.Equal(2, timeline["sessions"]!.AsArray().Count);
    }
}
