using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using static Consent.Web.Tests.CdsHooks.CheckinSteps;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>A service of its own, with a clock the test moves (the minutes a tablet stays open after a check-in).</summary>
public sealed class CheckinHoldFactory() : ClockedCdsFactory(DateTimeOffset.UtcNow);

/// <summary>
/// What the patient reports at a check-in reaches a clinician: a crisis answer cannot be voided or declined away (and
/// a new check-in then started clean), a question holds the check-in, and a clinic tablet stops opening a check-in a
/// few minutes after it ended.
/// </summary>
public sealed class CheckinHoldTests(CheckinHoldFactory factory) : IClassFixture<CheckinHoldFactory>
{
    [Fact]
    public async Task ACrisisAnswer_CannotBeSteppedAround_ByVoidDeclineOrANewCheckin()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var clinician = driver.Clinician;
        var checkin = await StartAsync(clinician, patientId);
        var patient = await driver.VerifyAsync(checkin);
        await driver.WalkAsync(patient, checkin, step => step["type"]!.GetValue<string>() == "questions"
            ? new JsonObject { ["answers"] = new JsonObject(step["questions"]!.AsArray().Select(q => KeyValuePair.Create(
                q!["id"]!.GetValue<string>(), (JsonNode?)JsonValue.Create(q["id"]!.GetValue<string>() is "crisis" or "ride_home")))) }
            : null, stopAt: "still-agree");

        var declined = await patient.PostAsJsonAsync($"/api/v1/patient/{checkin.Token}/decline", new { reason = "no" });
        Assert.Equal(HttpStatusCode.Conflict, declined.StatusCode);
        var voided = await clinician.PostAsJsonAsync($"/api/v1/sessions/{checkin.Id}/void", new { reason = "redo" });
        Assert.Equal(HttpStatusCode.Conflict, voided.StatusCode);
        Assert.Contains("hold-crisis", await voided.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("InProgress", (await driver.SessionAsync(checkin.Id))["status"]!.GetValue<string>());
        // The session page says so at the top ("Needs you") and offers the not-today decision.
        var page = await clinician.GetStringAsync($"/clinician/sessions/{checkin.Id}");
        Assert.Contains("the patient&#x27;s answers hold this check-in (", page, StringComparison.Ordinal);
        Assert.Contains("value=\"not-today\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"cleared\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/checkins", new { workflowId = CdsFactory.CheckinWorkflow })).StatusCode);

        // It cannot be cleared before it ends; "not today", signed, ends it, and only then may a new check-in start.
        var cleared = await clinician.PostAsJsonAsync($"/api/v1/sessions/{checkin.Id}/checkin-decision",
            new { decision = "cleared", note = "Fine.", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.Conflict, cleared.StatusCode);
        var notToday = await clinician.PostAsJsonAsync($"/api/v1/sessions/{checkin.Id}/checkin-decision",
            new { decision = "not-today", note = "Talked with the patient about the crisis answer; safety plan made.", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, notToday.StatusCode);
        Assert.Equal("NotToday", (await driver.SessionAsync(checkin.Id))["status"]!.GetValue<string>());
        Assert.True((await driver.EventsAsync(checkin.Id))["verified"]!.GetValue<bool>());
        var next = await StartAsync(clinician, patientId);
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync($"/api/v1/sessions/{next.Id}/void", new { reason = "not needed" })).StatusCode);
    }

    [Fact]
    public async Task AQuestionDuringACheckin_HoldsIt_AndTheGateStaysClosed()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var checkin = await StartAsync(driver.Clinician, patientId);
        var patient = await driver.VerifyAsync(checkin);
        var asked = await patient.PostAsJsonAsync($"/api/v1/patient/{checkin.Token}/questions", new { question = "I felt low yesterday; should I still come in?" });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        await driver.WalkAsync(patient, checkin, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(driver.Clinician, checkin, systolic: 120, rideConfirmed: true);

        var session = await driver.SessionAsync(checkin.Id);
        Assert.Equal("Held", session["status"]!.GetValue<string>());
        Assert.Contains("open-question", (await driver.EventsAsync(checkin.Id)).ToJsonString(), StringComparison.Ordinal);
        var gate = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;
        Assert.False(gate["allowed"]!.GetValue<bool>(), gate.ToJsonString());
        var decided = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{checkin.Id}/checkin-decision",
            new { decision = "cleared", note = "Answered: a low day is common; no safety concern.", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
    }

    [Fact]
    public async Task ACheckinOnTheClinicTablet_StopsOpeningThere_MinutesAfterItEnds()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var checkin = await StartAsync(driver.Clinician, patientId);

        // The clinician opens it on the tablet (the page's form, as the browser sends it) and is signed out there.
        using var tablet = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await StaffCookies.SignInAsync(tablet, Staff.Clinician, ConsentWebFactory.DemoPassword);
        var page = $"/clinician/sessions/{checkin.Id}";
        var handedOver = await StaffCookies.PostFormAsync(tablet, page, page + "?handler=Tablet");
        Assert.Equal(HttpStatusCode.Redirect, handedOver.StatusCode);
        var url = handedOver.Headers.Location!.ToString();
        var onTablet = new StartedSession(checkin.Id, url[(url.LastIndexOf('/') + 1)..], url);
        var patient = await driver.VerifyAsync(onTablet);
        await driver.WalkAsync(patient, onTablet, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(driver.Clinician, checkin, systolic: 120, rideConfirmed: true);
        Assert.Equal("Cleared", (await driver.SessionAsync(checkin.Id))["status"]!.GetValue<string>());

        // The ending page is still the patient's for a few minutes (to read it, or withdraw there and then) ...
        factory.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(HttpStatusCode.OK, (await patient.GetAsync($"/api/v1/patient/{onTablet.Token}/current")).StatusCode);

        // ... then whoever holds the tablet can neither read the check-in nor withdraw the patient's consent.
        factory.Clock.Advance(TimeSpan.FromMinutes(2));
        var read = await patient.GetAsync($"/api/v1/patient/{onTablet.Token}/current");
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        using var pages = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        pages.DefaultRequestHeaders.Authorization = patient.DefaultRequestHeaders.Authorization;
        var withdraw = await pages.GetAsync($"/p/{onTablet.Token}/withdraw");
        Assert.Equal(HttpStatusCode.Redirect, withdraw.StatusCode);
        var gate = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;
        Assert.Equal("valid", gate["consent"]!["status"]!.GetValue<string>());

        // A check-in on the patient's own device is not affected.
        var own = await StartAsync(driver.Clinician, patientId);
        var ownPatient = await driver.VerifyAsync(own);
        await driver.WalkAsync(ownPatient, own, step => Answer(step, rideHome: true, agrees: true));
        await StaffCheckAsync(driver.Clinician, own, systolic: 120, rideConfirmed: true);
        factory.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.OK, (await ownPatient.GetAsync($"/api/v1/patient/{own.Token}/current")).StatusCode);
    }
}
