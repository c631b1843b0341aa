using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The second outside review inserted another session's signed PDF as a session's consent record before
/// it was countersigned: issuing took it for the session's record and skipped, and downloads served the
/// other patient's PDF. A stored record counts only when the session's chain names it. The auditors' export
/// read the same table and the session row's workflow: it must skip a record the chain does not name and
/// take the workflow from the chain.
/// </summary>
public sealed class PlantedRecordTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task AnotherSessionsRecordPlantedAsThisOnes_IsNotTakenAsIssued_NorServed()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var signed = await RecordSessions.CompleteAsync(driver);
        var otherPdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, signed.Id);
        var session = await driver.StartAsync(mrn: "MRN-PLANTED");
        await driver.WalkAsync(await driver.VerifyAsync(session), session);

        await PlantAsync(session.Id, otherPdf);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);

        await Deadline.UntilAsync("the refusal to take the planted record as issued", () => Task.FromResult(factory.LogLines.Any(l =>
            l.Contains("AUDIT ALERT: refused to take a stored record as issued", StringComparison.Ordinal) && l.Contains(session.Id.ToString(), StringComparison.Ordinal))));
        var download = await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf");
        Assert.Equal(HttpStatusCode.Conflict, download.StatusCode);
        Assert.Equal("application/problem+json", download.Content.Headers.ContentType?.MediaType);
        var body = await download.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: refused to serve a stored record", StringComparison.Ordinal) && l.Contains(session.Id.ToString(), StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Conflict, (await driver.Clinician.GetAsync($"/api/v1/sessions/{session.Id}/fhir")).StatusCode);
    }

    [Fact]
    public async Task TheAuditorsExport_LeavesOutAPlantedRecord_AndNamesTheWorkflowTheChainSealed()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var signed = await RecordSessions.CompleteAsync(driver, workflowId: "esketamine-nasal-trd");
        var signedPdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, signed.Id);
        var planted = await driver.StartAsync(mrn: "MRN-PLANTED-EXPORT");
        await driver.WalkAsync(await driver.VerifyAsync(planted), planted);
        await PlantAsync(planted.Id, signedPdf);
        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE consent_sessions SET workflow_id = 'ketamine-iv-depression', workflow_version = 1 WHERE id = @id", signed.Id);

        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using (var all = await RecordExportTests.ExportAsync(auditor, "/api/v1/exports/records.zip"))
        {
            var manifest = RecordExportTests.Manifest(all);
            Assert.DoesNotContain(manifest, l => l["session_id"] == planted.Id.ToString());
            Assert.DoesNotContain(all.Entries, e => e.FullName.Contains(planted.Id.ToString(), StringComparison.Ordinal));
            Assert.Equal("esketamine-nasal-trd", manifest.Single(l => l["session_id"] == signed.Id.ToString())["workflow_id"]);
            Assert.Contains("Left out:", RecordExportTests.Read(all, "README.txt"), StringComparison.Ordinal);
        }

        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: left a stored record out of an export", StringComparison.Ordinal)
            && l.Contains(planted.Id.ToString(), StringComparison.Ordinal));
        using (var moved = await RecordExportTests.ExportAsync(auditor, "/api/v1/exports/records.zip?workflowId=ketamine-iv-depression"))
        {
            Assert.DoesNotContain(RecordExportTests.Manifest(moved), l => l["session_id"] == signed.Id.ToString());
        }

        using (var sealedAs = await RecordExportTests.ExportAsync(auditor, "/api/v1/exports/records.zip?workflowId=esketamine-nasal-trd"))
        {
            Assert.Contains(RecordExportTests.Manifest(sealedAs), l => l["session_id"] == signed.Id.ToString());
        }
    }

    /// <summary>As the runtime role, stores <paramref name="pdf"/> (another session's signed record) as this session's Consent record.</summary>
    private Task PlantAsync(Guid sessionId, byte[] pdf) => RuntimeRoleSql.ChangeOneRowAsync(factory,
        "INSERT INTO consent_records (id, session_id, kind, pdf, sha256, issued_at) VALUES (gen_random_uuid(), @id, 'Consent', @pdf, @sha, now())",
        sessionId, ("pdf", pdf), ("sha", RecordSessions.Sha256(pdf)));
}
