using System.Text.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// What left the service, for whom, when (21 CFR 11.10(e), 45 CFR 164.312(b), 164.528): <c>records.exported</c>
/// names the auditor who exported as its actor and carries the SHA-256 of the ZIP's <c>manifest.csv</c>, which names
/// every record in it by its own SHA-256, so the trail pins down exactly which files went out.
/// </summary>
public sealed class ExportEventTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task AnExport_IsRecorded_ByTheAuditorWhoExported_WithTheSha256OfItsManifest()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var auditorId = await SystemEventRows.StaffIdAsync(factory, Staff.Auditor);

        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        string manifestSha256;
        int records;
        using (var zip = await RecordExportTests.ExportAsync(auditor, "/api/v1/exports/records.zip"))
        {
            manifestSha256 = RecordSessions.Sha256(RecordExportTests.Bytes(zip, "manifest.csv"));
            records = RecordExportTests.Manifest(zip).Count;
        }

        Assert.True(records >= 1);
        await SystemEventRows.WaitForAsync(factory, "type = 'records.exported' AND actor = @e", auditorId.ToString("D"), 1);
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("SELECT actor_email, detail::text FROM system_events WHERE type = 'records.exported'", db);
        var (email, text) = await SystemEventRows.SingleAsync(query);
        Assert.Equal(Staff.Auditor, email);
        var detail = JsonDocument.Parse(text).RootElement;
        Assert.Equal(manifestSha256, detail.GetProperty("manifestSha256").GetString());
        Assert.Equal(records, detail.GetProperty("records").GetInt32());
    }
}
