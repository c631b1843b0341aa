using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>A service of its own for the check-in part of the gate, so its check-in rows touch no other test's patient.</summary>
public sealed class CheckinCdsFactory : CdsFactory;

/// <summary>
/// The gate's check-in part: allowed only when the latest check-in requiring the consent was cleared today, by the
/// clinic's day (America/New_York here); then the CDS Service answers no card.
/// </summary>
public sealed class CheckinGateTests(CheckinCdsFactory factory) : IClassFixture<CheckinCdsFactory>
{
    [Fact]
    public async Task OnlyACheckinClearedToday_OpensTheGate()
    {
        var patientId = await factory.SignedAsync();
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var signed = DateTimeOffset.UtcNow; // after the consent's signature: today's check-ins start under it
        await Task.Delay(50);
        var now = DateTimeOffset.UtcNow;

        // Today's rows lie between the start of the clinic's day (or the signature, if later) and now, so the test holds
        // just after midnight in New York too (a row a minute before 00:00 there is yesterday's).
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var dayStart = new DateTimeOffset(local.Date, zone.GetUtcOffset(local.Date)).ToUniversalTime();
        var from = signed > dayStart ? signed : dayStart;
        DateTimeOffset Today(double fraction) => from + (now - from) * fraction;

        // Cleared yesterday evening, clinic time: not today.
        await CheckinRows.InsertAsync(factory, patientId, "Cleared", dayStart.AddHours(-7), dayStart.AddHours(-6));
        var gate = await GateAsync(clinician, patientId);
        Assert.False(gate["allowed"]!.GetValue<bool>());
        Assert.Equal("Cleared", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Equal("warning", Assert.Single(await OrderAsync())!["indicator"]!.GetValue<string>());

        // Today's check-in is held: still no.
        await CheckinRows.InsertAsync(factory, patientId, "Held", Today(0.2), null);
        gate = await GateAsync(clinician, patientId);
        Assert.False(gate["allowed"]!.GetValue<bool>());
        Assert.Equal("Held", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Contains(gate["reasons"]!.AsArray(), r => r!.GetValue<string>().EndsWith("the latest check-in is Held.", StringComparison.Ordinal));

        // A later check-in cleared today: the gate opens, and the order gets no card.
        var clearedAt = Today(0.9);
        await CheckinRows.InsertAsync(factory, patientId, "Cleared", Today(0.5), clearedAt);
        gate = await GateAsync(clinician, patientId);
        Assert.True(gate["allowed"]!.GetValue<bool>(), gate.ToJsonString());
        Assert.Equal("Cleared", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Equal(clearedAt.ToUnixTimeSeconds(), gate["checkin"]!["at"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Empty(gate["reasons"]!.AsArray());
        Assert.Empty(await OrderAsync());
    }

    private static async Task<JsonObject> GateAsync(HttpClient clinician, Guid patientId) =>
        (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;

    private async Task<JsonArray> OrderAsync() =>
        await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient())));
}

/// <summary>A service of its own: its patient's consent is signed in the test, after the check-in row's start.</summary>
public sealed class EarlierConsentCdsFactory : CdsFactory;

/// <summary>The gate counts only a check-in that started under the consent now in force.</summary>
public sealed class CheckinUnderEarlierConsentTests(EarlierConsentCdsFactory factory) : IClassFixture<EarlierConsentCdsFactory>
{
    [Fact]
    public async Task ACheckinClearedUnderAnEarlierConsent_DoesNotOpenTheGate()
    {
        // A check-in that started before the consent now in force was signed stood on an earlier consent (since
        // withdrawn or replaced): its "I still agree today" was not given under this one.
        var startedBefore = DateTimeOffset.UtcNow.AddSeconds(-5);
        var patientId = await factory.SignedAsync();
        await CheckinRows.InsertAsync(factory, patientId, "Cleared", startedBefore, DateTimeOffset.UtcNow);
        using var clinician = await factory.ClientForAsync(Staff.Clinician);

        var gate = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;

        Assert.False(gate["allowed"]!.GetValue<bool>(), gate.ToJsonString());
        Assert.Equal("Cleared", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Contains(gate["reasons"]!.AsArray(), r => r!.GetValue<string>().Contains("earlier consent", StringComparison.Ordinal));
        Assert.Equal("warning", Assert.Single(await CdsFactory.CardsAsync(
            await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient()))))!["indicator"]!.GetValue<string>());
    }
}
