using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using static Consent.Web.Tests.CdsHooks.CheckinSteps;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>A service of its own for real check-ins, so their sessions touch no other test's patient.</summary>
public sealed class CheckinFlowFactory : CdsFactory;

/// <summary>
/// Issue 14: real dose-day check-ins through the API. A check-in needs a consent in force; the patient answers and
/// affirms on the patient endpoints, staff enter blood pressure and the ride home; nothing to report clears it and
/// the EHR's order then gets no card; a missing ride holds it until the clinician decides, with a password; a patient
/// who no longer agrees holds it at once.
/// </summary>
public sealed class CheckinFlowTests(CheckinFlowFactory factory) : IClassFixture<CheckinFlowFactory>
{
    private const string Checkin = CdsFactory.CheckinWorkflow;

    [Fact]
    public async Task ACheckin_ClearsOrHolds_AndTheGateAndTheOrderFollowIt()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var clinician = driver.Clinician;

        // Consent in force, no check-in yet: the order gets a warning.
        Assert.Equal("warning", await IndicatorAsync());

        // Nothing to report, normal blood pressure, a ride confirmed: Cleared, and the order gets no card.
        var first = await StartAsync(clinician, patientId);
        Assert.Equal(HttpStatusCode.Conflict, (await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = Checkin })).StatusCode);
        var patient = await driver.VerifyAsync(first);
        var end = await driver.WalkAsync(patient, first, step => Answer(step, rideHome: true, agrees: true));
        Assert.Equal("InProgress", end["sessionStatus"]!.GetValue<string>()); // waiting for the staff check
        var implausible = await clinician.PostAsJsonAsync($"/api/v1/sessions/{first.Id}/staff-checks/before-dose",
            new { values = new { bp_systolic = 500, bp_diastolic = 80, ride_confirmed = true } });
        Assert.Equal(HttpStatusCode.BadRequest, implausible.StatusCode);
        Assert.Equal("InProgress", (await driver.SessionAsync(first.Id))["status"]!.GetValue<string>());
        await StaffCheckAsync(clinician, first, systolic: 122, rideConfirmed: true);
        Assert.Equal("Cleared", (await driver.SessionAsync(first.Id))["status"]!.GetValue<string>());
        var gate = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;
        Assert.True(gate["allowed"]!.GetValue<bool>(), gate.ToJsonString());
        Assert.Null(await IndicatorAsync());

        // No ride home: Held with the reason; the gate is closed until the clinician decides, with the password.
        var second = await StartAsync(clinician, patientId);
        patient = await driver.VerifyAsync(second);
        await driver.WalkAsync(patient, second, step => Answer(step, rideHome: false, agrees: true));
        await StaffCheckAsync(clinician, second, systolic: 118, rideConfirmed: false);
        Assert.Equal("Held", (await driver.SessionAsync(second.Id))["status"]!.GetValue<string>());
        Assert.Contains("hold-ride-home", (await driver.EventsAsync(second.Id)).ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("warning", await IndicatorAsync());
        // While it is held and undecided, no new check-in can step around it.
        var around = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = Checkin });
        Assert.Equal(HttpStatusCode.Conflict, around.StatusCode);
        Assert.Equal(second.Id, (await around.Content.ReadFromJsonAsync<JsonObject>())!["sessionId"]!.GetValue<Guid>());
        var unsigned = await clinician.PostAsJsonAsync($"/api/v1/sessions/{second.Id}/checkin-decision",
            new { decision = "cleared", note = "Her sister will drive her; confirmed by phone.", password = "wrong" });
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal("Held", (await driver.SessionAsync(second.Id))["status"]!.GetValue<string>());
        var decided = await clinician.PostAsJsonAsync($"/api/v1/sessions/{second.Id}/checkin-decision",
            new { decision = "cleared", note = "Her sister will drive her; confirmed by phone.", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal("Cleared", (await driver.SessionAsync(second.Id))["status"]!.GetValue<string>());
        Assert.Null(await IndicatorAsync());
        // Both cleared check-ins' chains verify, with the row's completion time at the clearing (at the end, or the release).
        Assert.True((await driver.EventsAsync(first.Id))["verified"]!.GetValue<bool>(), (await driver.EventsAsync(first.Id)).ToJsonString());
        Assert.True((await driver.EventsAsync(second.Id))["verified"]!.GetValue<bool>(), (await driver.EventsAsync(second.Id)).ToJsonString());

        // A patient who no longer agrees: held at once, whatever staff would enter.
        var third = await StartAsync(clinician, patientId);
        patient = await driver.VerifyAsync(third);
        await driver.WalkAsync(patient, third, step => Answer(step, rideHome: true, agrees: false));
        Assert.Equal("Held", (await driver.SessionAsync(third.Id))["status"]!.GetValue<string>());
        Assert.Contains("no-longer-agrees", (await driver.EventsAsync(third.Id)).ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("warning", await IndicatorAsync());
        // Nobody can clear a patient who said no today; "not today" is the one decision.
        var overridden = await clinician.PostAsJsonAsync($"/api/v1/sessions/{third.Id}/checkin-decision",
            new { decision = "cleared", note = "Discussed; the patient is fine.", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.Conflict, overridden.StatusCode);
        Assert.Equal("warning", await IndicatorAsync());
        var notToday = await clinician.PostAsJsonAsync($"/api/v1/sessions/{third.Id}/checkin-decision",
            new { decision = "not-today", note = "The patient does not want a dose today.", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, notToday.StatusCode);
        Assert.Equal("NotToday", (await driver.SessionAsync(third.Id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACheckin_NeedsAConsentInForce_AndACheckinWorkflow()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        var created = await clinician.PostAsJsonAsync("/api/v1/patients", new { name = "No Consent Checkin", dateOfBirth = PatientDriver.DateOfBirth, mrn = "MRN-CI-NONE" });
        var patientId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var noConsent = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = Checkin });
        var notACheckin = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = "ketamine-iv-depression" });
        var auditor = await factory.ClientForAsync(Staff.Auditor);

        Assert.Equal(HttpStatusCode.Conflict, noConsent.StatusCode);
        Assert.Contains("\"consentStatus\":\"none\"", await noConsent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notACheckin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = Checkin })).StatusCode);
        var timeline = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}"))!;
        Assert.Empty(timeline["sessions"]!.AsArray());
    }

    private async Task<string?> IndicatorAsync()
    {
        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient())));
        return cards.Count == 0 ? null : Assert.Single(cards)!["indicator"]!.GetValue<string>();
    }
}
