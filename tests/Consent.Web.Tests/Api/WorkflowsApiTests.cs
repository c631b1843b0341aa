using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Api;

/// <summary>The workflow list and review as staff see them; nothing here changes a workflow's approval.</summary>
public sealed class WorkflowsApiTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Staff_SeeEveryShippedVersion_ApprovedInDevelopment_WithLanguagesAndHash()
    {
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var list = (await clinician.GetFromJsonAsync<JsonArray>("/api/v1/workflows"))!;
        Assert.Equal(["esketamine-dose-checkin@1", "esketamine-nasal-trd@1", "esketamine-nasal-trd@2", "esketamine-nasal-trd@3", "ketamine-chronic-pain@1",
                "ketamine-chronic-pain@2", "ketamine-iv-depression@1", "ketamine-iv-depression@2", "ketamine-iv-dose-checkin@1"],
            list.Select(w => $"{w!["id"]!.GetValue<string>()}@{w["version"]!.GetValue<int>()}").Order(StringComparer.Ordinal).ToArray());
        Assert.All(list, w =>
        {
            Assert.Equal(64, w!["hash"]!.GetValue<string>().Length);
            Assert.Equal(["en", "es"], w["languages"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray());
            Assert.False(string.IsNullOrEmpty(w["title"]!["es"]!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task Reviewer_SeesTextsPerLanguage_TheDiagram_AndReadingLevels()
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        var review = (await reviewer.GetFromJsonAsync<JsonObject>("/api/v1/workflows/ketamine-iv-depression/versions/1"))!;
        Assert.StartsWith("flowchart", review["diagram"]!.GetValue<string>(), StringComparison.Ordinal);
        var steps = review["steps"]!.AsArray();
        var dissociation = steps.Single(s => s!["id"]!.GetValue<string>() == "dissociation")!;
        Assert.False(string.IsNullOrWhiteSpace(dissociation["texts"]!["en"]!.GetValue<string>()));
        Assert.False(string.IsNullOrWhiteSpace(dissociation["texts"]!["es"]!.GetValue<string>()));
        var english = dissociation["readingLevel"]!["en"]!["value"]!.GetValue<double>();
        Assert.InRange(english, 0, 8);
        Assert.All(steps.Where(s => s!["type"]!.GetValue<string>() == "disclosure"), s => Assert.True(s!["readingLevel"]!["en"]!["value"]!.GetValue<double>() <= 8.0, s["id"] + " reads above grade 8"));
    }

    /// <summary>Each shipped consent opens with key information; the reviewer sees it named as such, with its grade-6 target beside each score.</summary>
    [Theory]
    [InlineData("ketamine-iv-depression", 2)]
    [InlineData("ketamine-chronic-pain", 2)]
    [InlineData("esketamine-nasal-trd", 3)]
    public async Task Reviewer_SeesKeyInformationFirst_WithItsReadingTargetMet(string workflow, int version)
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        var review = (await reviewer.GetFromJsonAsync<JsonObject>($"/api/v1/workflows/{workflow}/versions/{version}"))!;
        var steps = review["steps"]!.AsArray();
        var key = steps.Single(s => s!["kind"]?.GetValue<string>() == "key-information")!;
        Assert.Equal("disclosure", key["type"]!.GetValue<string>());
        Assert.Equal(key, steps.First(s => s!["type"]!.GetValue<string>() == "disclosure"));
        Assert.InRange(key["readingLevel"]!["en"]!["value"]!.GetValue<double>(), 0, 6);
        Assert.True(key["readingLevel"]!["es"]!["value"]!.GetValue<double>() >= 70);
        Assert.Equal(6, key["readingTarget"]!["en"]!["limit"]!.GetValue<double>());
        Assert.True(key["readingTarget"]!["en"]!["met"]!.GetValue<bool>());
        Assert.Equal(70, key["readingTarget"]!["es"]!["limit"]!.GetValue<double>());
        Assert.True(key["readingTarget"]!["es"]!["met"]!.GetValue<bool>());
        Assert.All(steps.Where(s => s != key), s => Assert.Null(s!["readingTarget"]));

        var page = await reviewer.GetStringAsync($"/review/{workflow}/{version}");
        Assert.Contains("key information, shown first", page, StringComparison.Ordinal);
        Assert.Contains("key information must read at grade 6 or below (Flesch–Kincaid grade 6 or less): met", System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EsketamineVersion2_HasTheRemsEnrollmentPage_RightAfterMonitoring_InBothLanguages_AtGrade8OrBelow()
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        var review = (await reviewer.GetFromJsonAsync<JsonObject>("/api/v1/workflows/esketamine-nasal-trd/versions/2"))!;
        var ids = review["steps"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.IndexOf("monitoring") + 1, ids.IndexOf("rems-enrollment"));

        var rems = review["steps"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == "rems-enrollment")!;
        Assert.Contains("Patient Enrollment Form", rems["texts"]!["en"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Formulario de Inscripción del Paciente", rems["texts"]!["es"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.InRange(rems["readingLevel"]!["en"]!["value"]!.GetValue<double>(), 0, 8);
        Assert.All(review["steps"]!.AsArray().Where(s => s!["type"]!.GetValue<string>() == "disclosure"),
            s => Assert.True(s!["readingLevel"]!["en"]!["value"]!.GetValue<double>() <= 8.0, s["id"] + " reads above grade 8"));
    }

    [Fact]
    public async Task ApproveWithoutComment_Is400()
    {
        using var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        var response = await reviewer.PostAsJsonAsync("/api/v1/workflows/esketamine-nasal-trd/versions/1/retire", new { comment = "" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
