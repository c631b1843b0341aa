using System.Net;
using System.Security.Cryptography.X509Certificates;
using Consent.Records;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Records;

/// <summary>
/// The auditor's export page with days picked (<c>/audit/export?handler=Download&amp;from=…&amp;to=…</c>):
/// both days are included, the instant before the first day and the instant after the last are not,
/// and the ZIP's manifest lists exactly the period's records.
/// </summary>
public sealed class DatedExportTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    /// <summary>Stand-in records (no signature) issued around the period 2031-03-10 to 2031-03-12, at the edges of each day.</summary>
    private static readonly (string Name, DateTimeOffset IssuedAt)[] Synthetic =
    [
        ("just before the first day", new DateTimeOffset(2031, 3, 9, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990)),
        ("first instant of the first day", new DateTimeOffset(2031, 3, 10, 0, 0, 0, TimeSpan.Zero)),
        ("middle of the period", new DateTimeOffset(2031, 3, 11, 12, 0, 0, TimeSpan.Zero)),
        ("last instant of the last day", new DateTimeOffset(2031, 3, 12, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_990)),
        ("first instant after the last day", new DateTimeOffset(2031, 3, 13, 0, 0, 0, TimeSpan.Zero)),
    ];

    [Fact]
    public async Task PickedDays_ExportExactlyTheRecordsIssuedFromTheFirstDayThroughTheLast()
    {
        var ids = await InsertSyntheticRecordsAsync();
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        var period = await ManifestForDaysAsync(auditor, "2031-03-10", "2031-03-12");
        Assert.Equal(
            new[] { "first instant of the first day", "middle of the period", "last instant of the last day" }.Select(n => ids[n].ToString()).Order(StringComparer.Ordinal),
            period.Select(l => l["session_id"]).Order(StringComparer.Ordinal));
        Assert.Equal(await RecordsInDatabaseAsync("2031-03-10", "2031-03-13"), period.Select(l => (l["session_id"], l["sha256"])).Order());

        var oneDay = await ManifestForDaysAsync(auditor, "2031-03-12", "2031-03-12");
        Assert.Equal([ids["last instant of the last day"].ToString()], oneDay.Select(l => l["session_id"]));
    }

    [Fact]
    public async Task TodaysExport_HoldsTodaysSignedRecord_AndItVerifies()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var day = (await IssuedAtAsync(session.Id)).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        using var zip = await RecordExportTests.ExportAsync(auditor, await DownloadLocationAsync(auditor, day, day));
        var manifest = RecordExportTests.Manifest(zip);
        var nextDay = DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(await RecordsInDatabaseAsync(day, nextDay), manifest.Select(l => (l["session_id"], l["sha256"])).Order());
        var line = Assert.Single(manifest, l => l["session_id"] == session.Id.ToString());
        Assert.Equal(RecordSessions.Sha256(pdf), line["sha256"]);
        using var certificate = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(RecordExportTests.Bytes(zip, "certificate.pem")));
        var verification = RecordVerifier.Verify(RecordExportTests.Bytes(zip, line["file"]), certificate);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
    }

    [Theory]
    [InlineData("2031-03-12", "2031-03-10", "The last day must not be before the first day.")]
    [InlineData("2031-02-30", "", "The first day is not a date.")]
    [InlineData("", "12/03/2031", "The last day is not a date.")]
    public async Task ABackwardsOrImpossiblePeriod_StaysOnThePage_WithTheProblem(string from, string to, string problem)
    {
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        using var response = await auditor.GetAsync($"/audit/export?handler=Download&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(problem, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    /// <summary>Submits the export form with two days, follows its redirect to the streamed ZIP and reads the manifest.</summary>
    private static async Task<List<Dictionary<string, string>>> ManifestForDaysAsync(HttpClient auditor, string from, string to)
    {
        using var zip = await RecordExportTests.ExportAsync(auditor, await DownloadLocationAsync(auditor, from, to));
        var manifest = RecordExportTests.Manifest(zip);
        foreach (var line in manifest)
        {
            Assert.Equal(line["sha256"], RecordSessions.Sha256(RecordExportTests.Bytes(zip, line["file"])));
        }

        return manifest;
    }

    private static async Task<string> DownloadLocationAsync(HttpClient auditor, string from, string to)
    {
        using var page = await auditor.GetAsync($"/audit/export?handler=Download&from={from}&to={to}&workflowId=");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        var location = page.Headers.Location!.OriginalString;
        Assert.StartsWith("/api/v1/exports/records.zip?", location, StringComparison.Ordinal);
        return location;
    }

    /// <summary>What PostgreSQL itself holds for [from, to) (UTC days), as (session id, SHA-256) pairs.</summary>
    private async Task<IEnumerable<(string, string)>> RecordsInDatabaseAsync(string from, string toExclusive)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand(
            "SELECT session_id::text, sha256 FROM consent_records WHERE issued_at >= (@from::date)::timestamp AT TIME ZONE 'UTC' AND issued_at < (@to::date)::timestamp AT TIME ZONE 'UTC'", db);
        query.Parameters.AddWithValue("from", from);
        query.Parameters.AddWithValue("to", toExclusive);
        var rows = new List<(string, string)>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.NotEmpty(rows);
        return rows.Order();
    }

    private async Task<DateTimeOffset> IssuedAtAsync(Guid sessionId)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("SELECT issued_at FROM consent_records WHERE session_id = @id", db);
        query.Parameters.AddWithValue("id", sessionId);
        return new DateTimeOffset((DateTime)(await query.ExecuteScalarAsync())!, TimeSpan.Zero);
    }

    /// <summary>One completed session with a small stand-in PDF per entry of <see cref="Synthetic"/>, and the chain events that name it.</summary>
    private async Task<Dictionary<string, Guid>> InsertSyntheticRecordsAsync()
    {
        var ids = Synthetic.ToDictionary(s => s.Name, _ => Guid.NewGuid());
        await using var db = await factory.OpenDatabaseAsync();
        foreach (var (name, issuedAt) in Synthetic)
        {
            await using var insert = new NpgsqlCommand($"""
                {SyntheticPatient.Ensure}
                INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                    patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, patient_id)
                VALUES (@id, 'ketamine-iv-depression', 1, repeat('a', 64), 'en', 'Completed', 'Dated Export Patient', date '1970-01-01',
                    encode(sha256(@id::text::bytea), 'hex'), now(), gen_random_uuid(), @at, @at, @at, 0, repeat('0', 64), '{SyntheticPatient.Id}');
                INSERT INTO consent_records (id, session_id, kind, pdf, sha256, issued_at)
                SELECT gen_random_uuid(), @id, 'Consent', pdf, encode(sha256(pdf), 'hex'), @at
                FROM (SELECT convert_to('%PDF-1.7 synthetic record ' || @name, 'UTF8') AS pdf) AS synthetic;
                {SyntheticChains.EventsFor("r.session_id = @id")}
                """, db);
            insert.Parameters.AddWithValue("id", ids[name]);
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("at", issuedAt);
            await insert.ExecuteNonQueryAsync();
        }

        return ids;
    }
}
