using System.Net;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// What an auditor takes away from a session page: each download is saved as a file named for the
/// patient's initials, the day (in the clinic's time zone) and what it is, not shown raw in the tab;
/// and the page says why the record's hash is not the chain's last.
/// </summary>
public sealed class AuditDownloadsTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    private static readonly TimeZoneInfo ClinicZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public async Task RecordFhirAndChain_AreAttachments_NamedForTheInitialsTheDayAndTheKind()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var (issuedAt, lastEventAt) = await TimesAsync(session.Id);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        // PatientDriver's patient is María José Pérez: MJP, accents taken off.
        var issuedDay = Day(issuedAt);
        await AssertAttachmentAsync(auditor, $"/api/v1/sessions/{session.Id}/record.pdf", $"consent-MJP-{issuedDay}-consent.pdf");
        await AssertAttachmentAsync(auditor, $"/api/v1/sessions/{session.Id}/fhir", $"consent-MJP-{issuedDay}-consent-fhir.json");
        await AssertAttachmentAsync(auditor, $"/api/v1/sessions/{session.Id}/events", $"consent-MJP-{Day(lastEventAt)}-event-chain.json");

        // The JSON is still the JSON (API clients read the body as before).
        var chain = JsonNode.Parse(await auditor.GetStringAsync($"/api/v1/sessions/{session.Id}/events"))!;
        Assert.True(chain["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SessionPage_SaysWhichEventTheRecordCovers_AndThatTheNextLoggedItsIssuing()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var (_, issued) = await RecordSessions.IssuedEventsAsync(driver.Clinician, session.Id);
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        var chain = JsonNode.Parse(await auditor.GetStringAsync($"/api/v1/sessions/{session.Id}/events"))!["events"]!.AsArray();
        var logged = chain.Single(e => e!["type"]!.GetValue<string>() == "RecordIssued")!;
        var loggedSeq = logged["seq"]!.GetValue<long>();
        var covered = chain.Single(e => e!["seq"]!.GetValue<long>() == loggedSeq - 1)!;
        var page = WebUtility.HtmlDecode(await auditor.GetStringAsync($"/audit/sessions/{session.Id}"));

        Assert.Contains("Why a record shows a different hash", page, StringComparison.Ordinal);
        Assert.Matches($"""<td>1 to {loggedSeq - 1}\s*<br>\s*<span class="mono">hash {covered["hash"]!.GetValue<string>()}</span>\s*</td>""", page);
        Assert.Contains($"<td>event {loggedSeq}</td>", page, StringComparison.Ordinal);
        Assert.Single(issued);
    }

    private static async Task AssertAttachmentAsync(HttpClient auditor, string path, string fileName)
    {
        using var response = await auditor.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disposition = response.Content.Headers.ContentDisposition;
        Assert.Equal("attachment", disposition?.DispositionType);
        Assert.Equal(fileName, disposition?.FileName?.Trim('"'));
    }

    private static string Day(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, ClinicZone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>When the session's record was issued, and when its last event happened.</summary>
    private async Task<(DateTimeOffset IssuedAt, DateTimeOffset LastEventAt)> TimesAsync(Guid sessionId)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var read = new NpgsqlCommand(
            "SELECT (SELECT issued_at FROM consent_records WHERE session_id = @id), (SELECT max(at) FROM consent_events WHERE session_id = @id)", db);
        read.Parameters.AddWithValue("id", sessionId);
        await using var row = await read.ExecuteReaderAsync();
        await row.ReadAsync();
        return (row.GetFieldValue<DateTimeOffset>(0), row.GetFieldValue<DateTimeOffset>(1));
    }
}
