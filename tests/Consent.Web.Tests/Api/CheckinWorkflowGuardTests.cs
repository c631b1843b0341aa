using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Api;

/// <summary>
/// The shipped check-ins are loaded and approved like every workflow, but they are not consents: they are
/// never offered or started as one, and a patient's consent status does not list them.
/// </summary>
public sealed class CheckinWorkflowGuardTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private static readonly string[] Checkins = ["esketamine-dose-checkin", "ketamine-iv-dose-checkin"];

    [Theory]
    [InlineData("esketamine-dose-checkin")]
    [InlineData("ketamine-iv-dose-checkin")]
    public async Task StartingACheckinAsAConsentSession_Is400NamingWorkflowId(string workflowId)
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);

        var start = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId, language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        var errors = (await start.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["workflowId"], errors.Select(e => e.Key));
        Assert.Contains("check-in, not a consent", errors["workflowId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheWorkflowList_SaysWhichAreCheckins_AndWhatTheyRequire()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);

        var list = (await clinician.GetFromJsonAsync<JsonArray>("/api/v1/workflows"))!;

        var kinds = list.GroupBy(w => w!["id"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Select(w => (w!["kind"]!.GetValue<string>(), w["requires"]?.GetValue<string>())).Distinct().Single());
        Assert.Equal(("checkin", "esketamine-nasal-trd"), kinds["esketamine-dose-checkin"]);
        Assert.Equal(("checkin", "ketamine-iv-depression"), kinds["ketamine-iv-dose-checkin"]);
        Assert.Equal(("consent", null), kinds["ketamine-iv-depression"]);
    }

    [Fact]
    public async Task TheStartPage_OffersConsentsOnly()
    {
        using var browser = await PageForms.SignedInAsync(factory, Staff.Clinician);

        var form = await browser.GetStringAsync("/clinician/start");

        Assert.Contains("ketamine-iv-depression@1", form, StringComparison.Ordinal);
        Assert.All(Checkins, id => Assert.DoesNotContain(id, form, StringComparison.Ordinal));
    }

    [Fact]
    public async Task APatientsConsentStatus_ListsNoCheckin()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var created = await clinician.PostAsJsonAsync("/api/v1/patients",
            new { name = "Rosa Ibarra", dateOfBirth = "1975-06-01", mrn = "CHK-" + Guid.NewGuid().ToString("N")[..8] });
        var patientId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        var consents = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!["consents"]!.AsArray();

        Assert.Contains(consents, c => c!["workflowId"]!.GetValue<string>() == "ketamine-iv-depression");
        Assert.DoesNotContain(consents, c => Checkins.Contains(c!["workflowId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AReviewer_SeesTheReadingLevelsOfACheckinsQuestionsAndAffirmation()
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);

        var review = (await reviewer.GetFromJsonAsync<JsonObject>("/api/v1/workflows/ketamine-iv-dose-checkin/versions/1"))!;

        var steps = review["steps"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!.AsObject());
        Assert.InRange(steps["today"]["readingLevel"]!["en"]!["value"]!.GetValue<double>(), 0, 8);
        Assert.InRange(steps["still-agree"]["readingLevel"]!["en"]!["value"]!.GetValue<double>(), 0, 8);
        Assert.Contains("Sigo de acuerdo con este tratamiento hoy.", steps["still-agree"]["texts"]!["es"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("mmHg", steps["before-dose"]["texts"]!["en"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
