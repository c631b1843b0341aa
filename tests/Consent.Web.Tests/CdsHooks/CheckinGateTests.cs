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
        var now = DateTimeOffset.UtcNow;

        // Cleared, but a day and more ago: not today.
        await CheckinRows.InsertAsync(factory, patientId, "Cleared", now.AddHours(-31), now.AddHours(-30));
        var gate = await GateAsync(clinician, patientId);
        Assert.False(gate["allowed"]!.GetValue<bool>());
        Assert.Equal("Cleared", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Equal("warning", Assert.Single(await OrderAsync())!["indicator"]!.GetValue<string>());

        // Today's check-in is held: still no.
        await CheckinRows.InsertAsync(factory, patientId, "Held", now.AddMinutes(-20), null);
        gate = await GateAsync(clinician, patientId);
        Assert.False(gate["allowed"]!.GetValue<bool>());
        Assert.Equal("Held", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Contains(gate["reasons"]!.AsArray(), r => r!.GetValue<string>().EndsWith("the latest check-in is Held.", StringComparison.Ordinal));

        // A later check-in cleared a minute ago: the gate opens, and the order gets no card.
        await CheckinRows.InsertAsync(factory, patientId, "Cleared", now.AddMinutes(-10), now.AddMinutes(-1));
        gate = await GateAsync(clinician, patientId);
        Assert.True(gate["allowed"]!.GetValue<bool>(), gate.ToJsonString());
        Assert.Equal("Cleared", gate["checkin"]!["status"]!.GetValue<string>());
        Assert.Equal(now.AddMinutes(-1).ToUnixTimeSeconds(), gate["checkin"]!["at"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Empty(gate["reasons"]!.AsArray());
        Assert.Empty(await OrderAsync());
    }

    private static async Task<JsonObject> GateAsync(HttpClient clinician, Guid patientId) =>
        (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/gate?workflow=ketamine-iv-depression"))!;

    private async Task<JsonArray> OrderAsync() =>
        await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient())));
}
