using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The third outside review, as the runtime role: a declined session marked Completed in its row
/// (<c>status</c>, <c>completed_at</c>, which have no seal). The audit page showed "Completed" beside
/// "verified", the verify answer called the declined summary valid for a completed session, the export's
/// manifest listed it as Completed, and the audit found nothing. The row's status and completion time
/// are now compared with what the chain gives, and the export reads them from the chain.
/// </summary>
public sealed class SessionStatusBindingTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task ADeclinedSessionMarkedCompletedInItsRow_IsFlaggedEverywhere_AndExportedAsDeclined()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var declined = await driver.StartAsync();
        var patient = await driver.VerifyAsync(declined);
        await patient.PostAsJsonAsync($"/api/v1/patient/{declined.Token}/decline", new { reason = "Not now." });
        var summary = await RecordSessions.WaitForRecordAsync(driver.Clinician, declined.Id, "DeclinedSummary");
        Assert.True((await driver.EventsAsync(declined.Id))["verified"]!.GetValue<bool>());

        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE consent_sessions SET status = 'Completed', completed_at = now() WHERE id = @id", declined.Id);

        var events = await driver.EventsAsync(declined.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Contains("status", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using (var upload = new ByteArrayContent(summary))
        {
            upload.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            var report = JsonNode.Parse(await (await auditor.PostAsync("/api/v1/records/verify", upload)).Content.ReadAsStringAsync())!;
            Assert.False(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        }

        using (var zip = await RecordExportTests.ExportAsync(auditor, "/api/v1/exports/records.zip"))
        {
            var line = RecordExportTests.Manifest(zip).Single(l => l["session_id"] == declined.Id.ToString());
            Assert.Equal(("Declined", ""), (line["session_status"], line["completed_at"]));
        }

        Assert.Contains(await RuntimeRoleSql.AuditAsync(factory), f => f.SessionId == declined.Id && f.What.Contains("status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACompletionTimeMovedInTheRow_IsFlagged()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE consent_sessions SET completed_at = completed_at - interval '1 day' WHERE id = @id", session.Id);

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Contains("completion time", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
