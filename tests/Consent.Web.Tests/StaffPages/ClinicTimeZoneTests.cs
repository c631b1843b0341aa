using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.StaffPages;

/// <summary>A clinic in New York: staff pages show its local times with the offset; the API stays in UTC.</summary>
public sealed partial class ClinicTimeZoneTests(ClinicTimeZoneTests.NewYorkClinic factory) : IClassFixture<ClinicTimeZoneTests.NewYorkClinic>
{
    [Fact]
    public async Task StaffPages_ShowClinicTimesWithTheOffset_TheApiStaysUtc()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var created = DateTimeOffset.Parse(JsonNode.Parse(await driver.Clinician.GetStringAsync($"/api/v1/sessions/{session.Id}"))!["createdAt"]!.GetValue<string>(),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, created.Offset);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(created, zone);
        var offset = (local.Offset < TimeSpan.Zero ? "\u2212" : "+") + local.Offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
        var shown = local.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        using var clinician = await PageForms.SignedInAsync(factory, Staff.Clinician);
        var list = ClinicianPagesTests.Row(await clinician.GetStringAsync("/clinician"), session.Id);
        Assert.Contains(offset, list, StringComparison.Ordinal);
        var live = JsonNode.Parse(await clinician.GetStringAsync("/clinician?handler=Status"))!.AsArray()
            .Single(r => r!["id"]!.GetValue<string>() == session.Id.ToString())!;
        Assert.Contains(offset, live["updated"]!.GetValue<string>(), StringComparison.Ordinal);

        var page = WebUtility.HtmlDecode(await clinician.GetStringAsync($"/clinician/sessions/{session.Id}"));
        Assert.Contains(shown, page, StringComparison.Ordinal);
        Assert.Contains(offset, page, StringComparison.Ordinal);
        Assert.DoesNotContain(" UTC", page, StringComparison.Ordinal);

        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var timeline = WebUtility.HtmlDecode(await auditor.GetStringAsync($"/audit/sessions/{session.Id}"));
        Assert.Contains(shown, timeline, StringComparison.Ordinal);
        Assert.DoesNotContain(" UTC", timeline, StringComparison.Ordinal);
    }

    /// <summary>The service with <c>Consent:TimeZone</c> set to America/New_York.</summary>
    public sealed class NewYorkClinic : ConsentWebFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings =>
            new Dictionary<string, string>(base.Settings) { ["Consent:TimeZone"] = "America/New_York" };
    }
}
