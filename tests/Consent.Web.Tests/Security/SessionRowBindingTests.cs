using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The second outside review, as the runtime role: a session's workflow, language or creator written
/// into its row (which has no seal) before the countersignature. The signed record then named another
/// workflow or language that every check called valid, and another clinician could open and countersign
/// the session. The first event seals all of them; every check compares the row with it.
/// </summary>
public sealed class SessionRowBindingTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    // Version 1 named outright: the row must name a version the other workflow has, whichever esketamine version the session runs.
    private const string OtherWorkflow =
        "UPDATE consent_sessions SET workflow_id = 'ketamine-iv-depression', workflow_version = 1, " +
        "workflow_hash = (SELECT hash FROM workflow_versions WHERE workflow_id = 'ketamine-iv-depression' AND version = 1) WHERE id = @id";

    public static TheoryData<string, string> RowChanges => new()
    {
        { OtherWorkflow, "workflow" },
        { "UPDATE consent_sessions SET language = 'es', workflow_hash = '" + new string('0', 56) + "deadbeef' WHERE id = @id", "workflow" },
        { "UPDATE consent_sessions SET language = 'es' WHERE id = @id", "language" },
    };

    [Theory]
    [MemberData(nameof(RowChanges))]
    public async Task AWorkflowOrLanguageWrittenIntoTheRow_IsNeverSigned_NorOpenedToThePatient(string change, string named)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(workflowId: "esketamine-nasal-trd");
        var patient = await driver.VerifyAsync(session);
        Assert.Equal("AwaitingCountersign", (await driver.WalkAsync(patient, session))["sessionStatus"]!.GetValue<string>());

        await RuntimeRoleSql.ChangeOneRowAsync(factory, change, session.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await patient.GetAsync($"/api/v1/patient/{session.Token}/current")).StatusCode);
        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: refused to open session", StringComparison.Ordinal) && l.Contains(session.Id.ToString(), StringComparison.Ordinal));
        await RuntimeRoleSql.ExpectNeverSignedAsync(factory, driver, session.Id, named);
    }

    [Fact]
    public async Task ASignedRecord_WhoseRowWasMovedToAnotherWorkflow_DoesNotVerify()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver, workflowId: "esketamine-nasal-trd");
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        await RuntimeRoleSql.ChangeOneRowAsync(factory, OtherWorkflow, session.Id);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using var upload = new ByteArrayContent(pdf);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var report = JsonNode.Parse(await (await auditor.PostAsync("/api/v1/records/verify", upload)).Content.ReadAsStringAsync())!;

        Assert.False(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        Assert.Contains("workflow", report["chain"]!["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionGivenToAnotherClinicianInTheRow_IsNotTheirs_AndRaisesAnAlert()
    {
        const string password = "a lantern by the river 7";
        var email = $"second.{Guid.NewGuid():N}"[..15] + "@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var otherId = await StaffAccounts.CreateAsync(factory, admin, email, password, "Dr. Second", "Clinician");
        using var other = await StaffAccounts.ClientAsync(factory, email, password);
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session);

        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE consent_sessions SET created_by = @other WHERE id = @id", session.Id, ("other", Guid.Parse(otherId)));

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/sessions/{session.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/sessions/{session.Id}/events")).StatusCode);
        var countersign = await other.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign", new { password, statementAccepted = true });
        Assert.Equal(HttpStatusCode.NotFound, countersign.StatusCode);
        Assert.DoesNotContain(session.Id.ToString(), await other.GetStringAsync("/api/v1/sessions"), StringComparison.Ordinal);
        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT: refused a clinician access", StringComparison.Ordinal) && l.Contains(session.Id.ToString(), StringComparison.Ordinal));

        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var events = JsonNode.Parse(await auditor.GetStringAsync($"/api/v1/sessions/{session.Id}/events"))!;
        Assert.False(events["verified"]!.GetValue<bool>());
        Assert.Contains("clinician", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
