using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>The CDS service with a clock the test moves (the EHR's tokens are issued at that time too).</summary>
public abstract class ClockedCdsFactory(DateTimeOffset start) : CdsFactory
{
    public FakeTimeProvider Clock { get; } = new(start);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }
}

/// <summary>10:00 in New York (the clinic's time zone here) on a fixed day, so "today" and "the next day" are plain.</summary>
public sealed class CheckinLoopFactory() : ClockedCdsFactory(new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero));

/// <summary>
/// Issue 14, "done when": the whole loop with a clock the test moves. The consent is signed and a dose ordered through
/// CDS Hooks gives a warning; a cleared check-in gives no card; the next day the order gives a warning again; once the
/// consent is withdrawn the order gives a critical card, and the FHIR Consent search shows the Consent inactive.
/// </summary>
public sealed class CheckinLoopTests(CheckinLoopFactory factory) : IClassFixture<CheckinLoopFactory>
{
    [Fact]
    public async Task SignOrderCheckInOrderNextDayWithdraw_TheOrderFollowsEachStep()
    {
        var patientId = await factory.SignedAsync();
        var driver = await PatientDriver.CreateAsync(factory);
        var clinician = driver.Clinician;

        // 1. Consent signed, the dose ordered: a warning, "No check-in today".
        var card = await OrderAsync();
        Assert.Equal("warning", card!["indicator"]!.GetValue<string>());
        Assert.Equal("No check-in today", card["summary"]!.GetValue<string>());

        // 2. A check-in with nothing to report, cleared: the same order gets no card.
        var checkin = await CheckinSteps.StartAsync(clinician, patientId);
        var patient = await driver.VerifyAsync(checkin);
        await driver.WalkAsync(patient, checkin, step => CheckinSteps.Answer(step, rideHome: true, agrees: true));
        var checkedIn = await clinician.PostAsJsonAsync($"/api/v1/sessions/{checkin.Id}/staff-checks/before-dose",
            new { values = new { bp_systolic = 126, bp_diastolic = 80, ride_confirmed = true } });
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);
        Assert.Equal("Cleared", (await driver.SessionAsync(checkin.Id))["status"]!.GetValue<string>());
        Assert.Null(await OrderAsync());

        // 3. The next day: yesterday's check-in does not count, and the order gets a warning again.
        factory.Clock.Advance(TimeSpan.FromDays(1));
        card = await OrderAsync();
        Assert.Equal("warning", card!["indicator"]!.GetValue<string>());

        // 4. The consent withdrawn: the order gets a critical card, with a link to obtain consent again. (The clinician
        // signs in again: yesterday's bearer token ran out with the clock.)
        clinician = await factory.ClientForAsync(Staff.Clinician);
        var consentId = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!["consents"]!.AsArray()
            .Single(c => c!["workflowId"]!.GetValue<string>() == "ketamine-iv-depression")!["sessionId"]!.GetValue<Guid>();
        var withdrawn = await clinician.PostAsJsonAsync($"/api/v1/sessions/{consentId}/withdraw", new { reason = "The patient phoned to stop the treatment." });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        card = await OrderAsync();
        Assert.Equal("critical", card!["indicator"]!.GetValue<string>());
        Assert.Equal("No valid consent", card["summary"]!.GetValue<string>());
        Assert.Contains("withdrawn", card.ToJsonString(), StringComparison.Ordinal);

        // 5. The EHR's FHIR search shows the Consent inactive.
        using var client = factory.CreateClient();
        using var search = new HttpRequestMessage(HttpMethod.Get, $"/fhir/Consent?patient.identifier={Uri.EscapeDataString(CdsFactory.MrnSystem + "|" + CdsFactory.Mrn)}");
        search.Headers.Authorization = EhrClient.Bearer(factory.Ehr.Es384(EhrClient.Claims(CdsFactory.FhirAudience, factory.Clock.GetUtcNow())));
        var response = await client.SendAsync(search);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var consents = (await response.Content.ReadFromJsonAsync<JsonObject>())!["entry"]!.AsArray()
            .Where(e => e!["search"]?["mode"]?.GetValue<string>() == "match").Select(e => e!["resource"]!).ToList();
        Assert.Equal("inactive", Assert.Single(consents)["status"]!.GetValue<string>());
    }

    /// <summary>An order for IV ketamine (RxNorm 6130), signed by the EHR at the service's time: the one card, or null for none.</summary>
    private async Task<JsonObject?> OrderAsync()
    {
        var token = factory.Ehr.Es384(EhrClient.Claims(CdsFactory.CdsAudience, factory.Clock.GetUtcNow()));
        var cards = await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient()), token));
        return cards.Count == 0 ? null : Assert.Single(cards)!.AsObject();
    }
}
