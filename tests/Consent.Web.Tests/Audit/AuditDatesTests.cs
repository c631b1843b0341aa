using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// The days an auditor picks on the search and export pages: the calendar's last day is a valid
/// "up to" (it answered 500: one day was added to 9999-12-31), and what is not a day, or a range
/// the wrong way round, is a 400 with a message on the page and no search.
/// </summary>
public sealed class AuditDatesTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Search_UpToTheCalendarsLastDay_FindsTodaysSession()
    {
        var name = $"Ottilie Dates {Guid.NewGuid():N}"[..22];
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        (await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en",
            patient = new { name, dateOfBirth = "1970-05-06" },
        })).EnsureSuccessStatusCode();
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        foreach (var (from, to) in new[] { ("", "9999-12-31"), (today, "9999-12-31"), ("0001-01-01", "9999-12-31") })
        {
            var response = await PageForms.PostAsync(auditor, "/audit", Fields(from, to));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(name, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("yesterday", "", "The first day is not a date")]
    [InlineData("", "2026-02-30", "The last day is not a date")]
    [InlineData("2026-03-02", "2026-03-01", "The last day must not be before the first day")]
    public async Task Search_WithDaysThatAreNotARange_Is400WithTheReason(string from, string to, string reason)
    {
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var response = await PageForms.PostAsync(auditor, "/audit", Fields(from, to));
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, page, StringComparison.Ordinal);
        Assert.DoesNotContain("found</h2>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_UpToTheCalendarsLastDay_HandsOverWithNoEnd()
    {
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var response = await auditor.GetAsync("/audit/export?handler=Download&from=2026-01-01&to=9999-12-31");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/api/v1/exports/records.zip?from=2026-01-01T00%3A00%3A00Z", response.Headers.Location?.OriginalString);
    }

    private static Dictionary<string, string> Fields(string from, string to) => new()
    {
        ["Search.From"] = from, ["Search.To"] = to, ["Search.WorkflowId"] = "", ["Search.Status"] = "", ["Search.Mrn"] = "",
    };
}
