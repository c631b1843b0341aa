using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Web.Tests.Patients;

/// <summary>
/// A service whose clock the test moves, whose records are signed, and where nothing is approved until a
/// reviewer approves it (so the test decides when esketamine v2 arrives). The test runs the outbox itself.
/// </summary>
public class CourseFactory : RecordsWebFactory
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override bool RunsOutboxWorker => false;

    protected override IReadOnlyDictionary<string, string> Settings =>
        new Dictionary<string, string>(base.Settings) { ["Workflows:ApproveInDevelopment"] = "false" };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }
}

/// <summary>
/// Issue 13, "done when": one patient through a course of esketamine treatment. Sign v1 (valid); a reviewer
/// approves v2, which requires re-consent (reconsent-due); re-consent, where the REMS disclosure is shown first
/// and marked New, and v1 becomes superseded; the clock passes validity minus notice (expiring), then validity
/// (expired); the patient withdraws (withdrawn, with a signed withdrawal record).
/// </summary>
public sealed class PatientCourseTests(CourseFactory factory) : IClassFixture<CourseFactory>
{
    private const string Esketamine = "esketamine-nasal-trd";

    [Fact]
    public async Task OnePatient_ThroughACourse_SignReconsentExpireAndWithdraw()
    {
        var reviewer = await factory.ClientForAsync(Staff.Reviewer);
        await ApproveAsync(reviewer, 1, tolerateDone: true); // the other test of this class may have approved it

        // 1. Sign v1: valid, and it never expires (v1 sets no validity).
        var driver = await PatientDriver.CreateAsync(factory);
        var first = await RecordSessions.CompleteAsync(driver, workflowId: Esketamine);
        await DrainOutboxAsync();
        var firstPdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, first.Id);
        var patientId = (await driver.Clinician.GetFromJsonAsync<JsonObject>($"/api/v1/sessions/{first.Id}"))!["patientId"]!.GetValue<Guid>();
        var status = await StatusAsync(driver.Clinician, patientId);
        Assert.Equal(("valid", 1), (Text(status, "status"), status["version"]!.GetValue<int>()));
        Assert.Equal(RecordSessions.Sha256(firstPdf), Text(status, "recordSha256"));
        Assert.Null(status["expiresAt"]);

        // 2. A reviewer approves v2, which requires re-consent.
        await ApproveAsync(reviewer, 2);
        status = await StatusAsync(driver.Clinician, patientId);
        Assert.Equal("reconsent-due", Text(status, "status"));
        Assert.Contains("version 2", Text(status, "reason"), StringComparison.Ordinal);

        // 3. Re-consent: the patient first sees what changed, with the REMS disclosure marked New.
        var reconsent = await driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/reconsent", new { workflowId = Esketamine });
        Assert.Equal(HttpStatusCode.Created, reconsent.StatusCode);
        var started = (await reconsent.Content.ReadFromJsonAsync<JsonObject>())!;
        var twice = await driver.Clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/reconsent", new { workflowId = Esketamine });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal(started["id"]!.GetValue<Guid>(), (await twice.Content.ReadFromJsonAsync<JsonObject>())!["sessionId"]!.GetValue<Guid>());
        var url = Text(started, "patientUrl");
        var second = new StartedSession(started["id"]!.GetValue<Guid>(), url[(url.LastIndexOf('/') + 1)..], url);
        var patient = await driver.VerifyAsync(second);
        var current = await PatientDriver.CurrentAsync(patient, second);
        var changes = current["changes"]!;
        Assert.Equal(1, changes["signedVersion"]!.GetValue<int>());
        Assert.Contains("SPRAVATO REMS", Text(changes, "summary"), StringComparison.Ordinal);
        var changed = Assert.Single(changes["disclosures"]!.AsArray())!;
        Assert.Equal(("rems-enrollment", "new"), (Text(changed, "stepId"), Text(changed, "mark")));
        var marks = new Dictionary<string, string?>();
        await driver.WalkAsync(patient, second, step =>
        {
            marks[step["id"]!.GetValue<string>()] = step["mark"]?.GetValue<string>();
            return null;
        });
        Assert.Equal("new", marks["rems-enrollment"]);
        Assert.All(marks.Where(m => m.Key != "rems-enrollment"), m => Assert.Null(m.Value));
        Assert.Equal(HttpStatusCode.OK, (await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{second.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true })).StatusCode);
        await DrainOutboxAsync();
        var secondPdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, second.Id);
        Assert.Contains(RecordSessions.Sha256(firstPdf), RecordSessions.Text(secondPdf), StringComparison.Ordinal);

        status = await StatusAsync(driver.Clinician, patientId);
        Assert.Equal(("valid", 2), (Text(status, "status"), status["version"]!.GetValue<int>()));
        Assert.Equal(["superseded", "active"], status["records"]!.AsArray().Select(r => Text(r!, "state")));
        var signedAt = status["signedAt"]!.GetValue<DateTimeOffset>();
        var expiresAt = status["expiresAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(signedAt.AddMonths(12), expiresAt);

        // 4. Past validity minus notice: expiring.
        factory.Clock.SetUtcNow(expiresAt.AddDays(-30).AddHours(1));
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        Assert.Equal("expiring", Text(await StatusAsync(clinician, patientId), "status"));

        // 5. Past validity: expired.
        factory.Clock.SetUtcNow(expiresAt.AddHours(1));
        clinician = await factory.ClientForAsync(Staff.Clinician);
        Assert.Equal("expired", Text(await StatusAsync(clinician, patientId), "status"));

        // 6. The patient withdraws: withdrawn, with a signed withdrawal record.
        Assert.Equal(HttpStatusCode.OK, (await clinician.PostAsJsonAsync($"/api/v1/sessions/{second.Id}/withdraw",
            new { reason = "The patient called to stop treatment." })).StatusCode);
        await DrainOutboxAsync();
        status = await StatusAsync(clinician, patientId);
        Assert.Equal("withdrawn", Text(status, "status"));
        var withdrawal = await RecordSessions.WaitForRecordAsync(clinician, second.Id, "Withdrawal");
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using var upload = new ByteArrayContent(withdrawal);
        upload.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var report = JsonNode.Parse(await (await auditor.PostAsync("/api/v1/records/verify", upload)).Content.ReadAsStringAsync())!;
        Assert.True(report["valid"]!.GetValue<bool>(), report.ToJsonString());
    }

    [Fact]
    public async Task ReconsentWithoutASignedConsent_IsAConflict_AndStartsNothing()
    {
        var clinician = await factory.ClientForAsync(Staff.Clinician);
        await ApproveAsync(await factory.ClientForAsync(Staff.Reviewer), 1, tolerateDone: true);
        var created = await clinician.PostAsJsonAsync("/api/v1/patients", new { name = "No Consent Yet", dateOfBirth = "1988-05-05" });
        var patientId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        var response = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/reconsent", new { workflowId = Esketamine });
        var unknownWorkflow = await clinician.PostAsJsonAsync($"/api/v1/patients/{patientId}/reconsent", new { workflowId = "no-such-workflow" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknownWorkflow.StatusCode);
        var timeline = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}"))!;
        Assert.Empty(timeline["sessions"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.PostAsJsonAsync($"/api/v1/patients/{Guid.NewGuid()}/reconsent", new { workflowId = Esketamine })).StatusCode);
    }

    private static async Task ApproveAsync(HttpClient reviewer, int version, bool tolerateDone = false)
    {
        var response = await reviewer.PostAsJsonAsync($"/api/v1/workflows/{Esketamine}/versions/{version}/approve", new { comment = "Reviewed with the committee.", password = ConsentWebFactory.DemoPassword });
        Assert.True(response.StatusCode == HttpStatusCode.OK || (tolerateDone && response.StatusCode == HttpStatusCode.Conflict),
            $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task DrainOutboxAsync()
    {
        var worker = factory.Services.GetRequiredService<Consent.Web.Outbox.OutboxWorker>();
        for (var i = 0; i < 50 && await worker.RunOneAsync(CancellationToken.None); i++)
        {
        }
    }

    private static async Task<JsonObject> StatusAsync(HttpClient staff, Guid patientId)
    {
        var consents = (await staff.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patientId}/consents"))!;
        return consents["consents"]!.AsArray().Single(c => Text(c!, "workflowId") == Esketamine)!.AsObject();
    }

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();
}
