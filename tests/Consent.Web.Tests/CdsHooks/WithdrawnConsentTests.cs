using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.CdsHooks;

/// <summary>
/// The CDS Service reads the consent fresh on every call (only the version terms are kept per node): a consent withdrawn
/// between two calls turns the next card critical at once. Its own fixture, since it withdraws the fixture's consent.
/// </summary>
public sealed class WithdrawnConsentTests(CdsFactory factory) : IClassFixture<CdsFactory>
{
    [Fact]
    public async Task AConsentWithdrawnBetweenTwoCalls_TurnsTheNextCardCritical()
    {
        var patientId = await factory.SignedAsync();
        var before = Assert.Single(await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient()))))!;
        Assert.Equal("warning", before["indicator"]!.GetValue<string>());

        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var consents = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!["consents"]!.AsArray();
        var sessionId = consents.Single(c => c!["workflowId"]!.GetValue<string>() == "ketamine-iv-depression")!["sessionId"]!.GetValue<Guid>();
        using var withdrawn = await clinician.PostAsJsonAsync($"/api/v1/sessions/{sessionId}/withdraw", new JsonObject { ["reason"] = "Asked to stop" });
        withdrawn.EnsureSuccessStatusCode();

        var after = Assert.Single(await CdsFactory.CardsAsync(await factory.CallAsync(CdsFactory.OrderSign("6130", "ketamine", CdsFactory.Patient()))))!;
        Assert.Equal(("critical", "No valid consent"), (after["indicator"]!.GetValue<string>(), after["summary"]!.GetValue<string>()));
        Assert.Contains("**withdrawn**", after["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
