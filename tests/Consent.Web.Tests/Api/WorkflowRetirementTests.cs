using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Api;

/// <summary>
/// Retiring is for good, so it has a service and database of its own: in a shared one, a test that
/// expects the three shipped workflows passed only when xUnit happened to run it first.
/// </summary>
public sealed class WorkflowRetirementTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task RetiredVersion_CannotStartSessions_AndStaysRetired()
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        // Every version of the workflow retired (version 2 added key information): none is left to start a session on.
        foreach (var version in new[] { 2, 1 })
        {
            var retired = await reviewer.PostAsJsonAsync($"/api/v1/workflows/ketamine-chronic-pain/versions/{version}/retire", new { comment = "Replaced after the pain service review.", password = ConsentWebFactory.DemoPassword });
            Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        }

        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var list = (await clinician.GetFromJsonAsync<JsonArray>("/api/v1/workflows"))!;
        Assert.DoesNotContain(list, w => w!["id"]!.GetValue<string>() == "ketamine-chronic-pain");
        var start = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-chronic-pain", language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);

        var again = await reviewer.PostAsJsonAsync("/api/v1/workflows/ketamine-chronic-pain/versions/1/approve", new { comment = "Oops", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var review = (await reviewer.GetFromJsonAsync<JsonObject>("/api/v1/workflows/ketamine-chronic-pain/versions/1"))!;
        Assert.Equal("Retired", review["approval"]!.GetValue<string>());
        Assert.Contains(review["decisions"]!.AsArray(), d => d!["comment"]!.GetValue<string>().Contains("pain service", StringComparison.Ordinal));
    }
}
