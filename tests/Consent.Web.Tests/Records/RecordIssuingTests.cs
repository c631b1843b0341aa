using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Consent.Records;
using Consent.Records.Tests.Infrastructure;
using Consent.Web.Outbox;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.WorkflowVersions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Records;

/// <summary>Sessions that end get a signed record from the outbox: stored once, logged once, checkable by third-party tools.</summary>
public sealed class RecordIssuingTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task CompletedConsent_IsIssuedAsASignedRecord_ThatPdfsigTrustsAndQpdfAccepts()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);

        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        using var anonymous = factory.CreateClient();
        var pem = await anonymous.GetStringAsync("/api/v1/records/certificate");
        using var certificate = X509Certificate2.CreateFromPem(pem);
        var verification = RecordVerifier.Verify(pdf, certificate);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(session.Id, verification.SessionId);
        Assert.Equal(RecordKind.Consent, verification.Kind);

        var (verified, issued) = await RecordSessions.IssuedEventsAsync(driver.Clinician, session.Id);
        Assert.True(verified);
        var logged = Assert.Single(issued);
        Assert.Equal(RecordSessions.Sha256(pdf), logged["payload"]!["sha256"]!.GetValue<string>());
        Assert.Equal("Consent", logged["payload"]!["kind"]!.GetValue<string>());
        Assert.Equal("system", logged["actor"]!.GetValue<string>());

        var path = ExternalTool.TempFile(pdf);
        var qpdf = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(qpdf.ExitCode == 0 && !qpdf.All.Contains("WARNING", StringComparison.Ordinal), qpdf.All);
        var nss = Path.Combine(Path.GetTempPath(), "consent-web-tests", "nss-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(nss);
        Assert.Equal(0, ExternalTool.Run("certutil", "-N", "-d", $"sql:{nss}", "--empty-password").ExitCode);
        Assert.Equal(0, ExternalTool.Run("certutil", "-A", "-d", $"sql:{nss}", "-n", "consent", "-t", "CT,C,C", "-a", "-i", ExternalTool.TempFile(System.Text.Encoding.ASCII.GetBytes(pem), ".pem")).ExitCode);
        var pdfsig = ExternalTool.Run("pdfsig", "-nssdir", $"sql:{nss}", path);
        Assert.Contains("Signature is Valid.", pdfsig.All, StringComparison.Ordinal);
        Assert.Contains("Certificate is Trusted.", pdfsig.All, StringComparison.Ordinal);

        var tampered = (byte[])pdf.Clone();
        tampered[tampered.Length / 3] ^= 0x20;
        Assert.DoesNotContain("Signature is Valid.", ExternalTool.Run("pdfsig", ExternalTool.TempFile(tampered)).All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRecord_ShowsTheClinicPatientWorkflowAndEveryDisclosureAcknowledged()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);

        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));

        var workflow = factory.Services.GetRequiredService<WorkflowRegistry>().Find("ketamine-iv-depression", 2)!; // the newest, with key information
        Assert.Contains(RecordsWebFactory.ClinicName, text, StringComparison.Ordinal);
        Assert.Contains("12 Harbor Street", text, StringComparison.Ordinal);
        Assert.Contains(PatientDriver.PatientName, text, StringComparison.Ordinal);
        Assert.Contains("MRN-0042", text, StringComparison.Ordinal);
        Assert.Contains(workflow.Hash, text, StringComparison.Ordinal);
        Assert.Contains(session.Id.ToString(), text, StringComparison.Ordinal);
        Assert.Contains("\u221205:00", text, StringComparison.Ordinal); // times in the clinic's zone, with the offset
        foreach (var disclosure in workflow.Definition.Steps.OfType<Consent.Workflows.DisclosureStep>().Where(d => d.When is null))
        {
            Assert.Contains(disclosure.Title!.For("en").Trim(), text, StringComparison.Ordinal);
        }

        Assert.Contains("password re-entry", text, StringComparison.Ordinal);
        Assert.Contains("Dr. Demo Clinician", text, StringComparison.Ordinal);
        Assert.Contains("Audit trail", text, StringComparison.Ordinal);
        Assert.Contains("ClinicianCountersigned", text, StringComparison.Ordinal);
        Assert.DoesNotContain("RecordIssued", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpanishSession_GetsItsRecordInSpanish()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver, "es");

        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));

        Assert.Contains("Registro de consentimiento informado", text, StringComparison.Ordinal);
        Assert.Contains("María José Pérez", text, StringComparison.Ordinal);
        Assert.Contains("Doy mi consentimiento informado", text, StringComparison.Ordinal);
        Assert.Contains("disociación", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunningTheIssueJobAgain_OrConcurrently_StoresOneRecordAndLogsItOnce()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var first = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        await using (var db = await factory.OpenDatabaseAsync())
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO outbox_jobs (kind, session_id, payload, created_at, not_before, attempts) VALUES ('issue-record', @s, '{\"kind\":\"Consent\"}', now(), now(), 0) RETURNING id", db);
            insert.Parameters.AddWithValue("s", session.Id);
            var job = (long)(await insert.ExecuteScalarAsync())!;
            factory.Services.GetRequiredService<OutboxSignal>().Wake();
            await Deadline.UntilAsync($"outbox job {job} completed", async () =>
            {
                await using var done = new NpgsqlCommand("SELECT completed_at IS NOT NULL FROM outbox_jobs WHERE id = @id", db);
                done.Parameters.AddWithValue("id", job);
                return (bool)(await done.ExecuteScalarAsync())!;
            });
        }

        var racing = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            using var scope = factory.Services.CreateScope();
            return (await scope.ServiceProvider.GetRequiredService<RecordIssuer>().IssueAsync(session.Id, RecordKind.Consent, default))!.Sha256;
        }));

        Assert.All(racing, sha => Assert.Equal(RecordSessions.Sha256(first), sha));
        Assert.Equal(first, await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
        var (verified, issued) = await RecordSessions.IssuedEventsAsync(driver.Clinician, session.Id);
        Assert.True(verified);
        Assert.Single(issued);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM consent_records WHERE session_id = @s", await factory.OpenDatabaseAsync());
        count.Parameters.AddWithValue("s", session.Id);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task DeclinedSession_GetsASignedDeclinedSummary_WithTheReason()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "sedation");
        var declined = await patient.PostAsJsonAsync($"/api/v1/patient/{session.Token}/decline", new { reason = "I want to talk to my family first." });
        Assert.Equal(HttpStatusCode.OK, declined.StatusCode);

        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, "DeclinedSummary");

        Assert.Equal(RecordKind.DeclinedSummary, RecordVerifier.Verify(pdf, null).Kind);
        var text = RecordSessions.Text(pdf);
        Assert.Contains("Summary of a declined consent session", text, StringComparison.Ordinal);
        Assert.Contains("I want to talk to my family first.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("How to withdraw", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASignatureUnderAnotherName_IsPrintedBesideTheRegisteredName_AndTheClinicianConfirmation()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, step =>
        {
            var body = driver.DefaultAnswer(step);
            if (step["type"]!.GetValue<string>() == "signature")
            {
                body["fullName"] = "Pepa Perez";
            }

            return body;
        });
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true, nameConfirmed = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);

        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id)).Replace("\n", " ", StringComparison.Ordinal);

        Assert.Contains("Pepa Perez", text, StringComparison.Ordinal);
        Assert.Contains("Registered name", text, StringComparison.Ordinal);
        Assert.Contains(PatientDriver.PatientName + ": differs from the typed name; the countersigning clinician confirmed that the registered patient signed.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReferredSession_GetsASignedReferralSummary_WithTheMessageShown()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, step =>
        {
            var body = driver.DefaultAnswer(step);
            if (step["type"]!.GetValue<string>() == "questions" && body["answers"] is System.Text.Json.Nodes.JsonObject answers && answers.ContainsKey("pregnant"))
            {
                answers["pregnant"] = true;
            }

            return body;
        });

        var text = RecordSessions.Text(await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, "referred-summary"));

        Assert.Contains("Summary of a session ended by referral", text, StringComparison.Ordinal);
        var message = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "templates", "messages", "en", "pregnancy-referral.md"));
        var firstWords = string.Join(' ', message.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('#')).Take(6));
        Assert.Contains(firstWords, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdrawal_GetsItsOwnRecord_NamingTheConsentRecordItWithdraws()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var consent = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, "Consent");

        var withdraw = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/withdraw", new { reason = "Prefers to try psychotherapy first." });
        Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
        var withdrawal = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, "Withdrawal");

        var text = RecordSessions.Text(withdrawal);
        Assert.Contains("Withdrawal of consent", text, StringComparison.Ordinal);
        Assert.Contains(RecordSessions.Sha256(consent), text, StringComparison.Ordinal);
        Assert.Contains("Prefers to try psychotherapy first.", text, StringComparison.Ordinal);
        // Its audit trail includes the consent record's issue, which came before the withdrawal.
        Assert.Contains("RecordIssued", text, StringComparison.Ordinal);
        Assert.Equal(withdrawal, await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
        Assert.Equal(consent, await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, "consent"));

        var (verified, issued) = await RecordSessions.IssuedEventsAsync(driver.Clinician, session.Id);
        Assert.True(verified);
        Assert.Equal(["Consent", "Withdrawal"], issued.Select(e => e["payload"]!["kind"]!.GetValue<string>()));
    }
}
