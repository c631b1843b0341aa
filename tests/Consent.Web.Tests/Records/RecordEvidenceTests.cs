using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Records.Tests.Infrastructure;
using Consent.Testing;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Records;

/// <summary>The service with a real RFC 3161 TSA and a development CA (scripts/dev-tsa.sh); the evidence job is run by the tests.</summary>
public sealed class EvidenceWebFactory : RecordsWebFactory
{
    internal DevTsa Tsa { get; } = new();

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Signing:CertificatePath"] = Tsa.SigningPfxPath,
        ["Signing:TimestampUrl"] = Tsa.Url,
        ["Signing:TimestampRootsPath"] = Tsa.CaPemPath,
        ["Signing:TrustedRootsPath"] = Tsa.CaPemPath,
        ["Signing:TimestampTimeoutSeconds"] = "5",
        ["Evidence:IntervalMinutes"] = "0",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Tsa.Dispose();
    }
}

/// <summary>
/// Records reach PAdES B-LTA with a TSA (ETSI EN 319 142-1): checked with pdfsig, qpdf and openssl ts -verify, tools we did
/// not write; with the TSA down they are still issued, and upgraded once, when it answers.
/// </summary>
public sealed class RecordEvidenceTests(EvidenceWebFactory factory) : IClassFixture<EvidenceWebFactory>
{
    [Fact]
    public async Task AnIssuedRecord_IsBLta_TrustedByPdfsig_AndItsTimestampsPassOpensslTsVerify()
    {
        factory.Tsa.Start();
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        var verification = Verify(pdf);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal("B-LTA", verification.EvidenceLevel);
        Assert.Collection(verification.Timestamps,
            t => Assert.True(t is { Kind: "signature", Valid: true, Trusted: true }),
            t => Assert.True(t is { Kind: "document", Valid: true, Trusted: true }));
        Assert.True(verification.ValidationCertificates >= 3 && verification.ValidationCrls >= 1);

        var path = ExternalTool.TempFile(pdf);
        var qpdf = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(qpdf.ExitCode == 0 && !qpdf.All.Contains("WARNING", StringComparison.Ordinal), qpdf.All);
        var nss = Path.Combine(Path.GetTempPath(), "consent-web-tests", "nss-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(nss);
        Assert.Equal(0, ExternalTool.Run("certutil", "-N", "-d", $"sql:{nss}", "--empty-password").ExitCode);
        Assert.Equal(0, ExternalTool.Run("certutil", "-A", "-d", $"sql:{nss}", "-n", "dev-ca", "-t", "CT,C,C", "-a", "-i", factory.Tsa.CaPemPath).ExitCode);
        var pdfsig = ExternalTool.Run("pdfsig", "-nssdir", $"sql:{nss}", path);
        var record = pdfsig.All[..pdfsig.All.IndexOf("Signature #2", StringComparison.Ordinal)];
        Assert.Contains("Signature Type: ETSI.CAdES.detached", record, StringComparison.Ordinal);
        Assert.Contains("Signature is Valid.", record, StringComparison.Ordinal);
        Assert.Contains("Certificate is Trusted.", record, StringComparison.Ordinal);

        var (token, imprint) = PdfTimestamps.SignatureTimestamp(pdf) ?? throw new Xunit.Sdk.XunitException("no signature time-stamp");
        var openssl = PdfTimestamps.OpensslVerify(token, imprint, factory.Tsa.CaPemPath, factory.Tsa.TsaCertPath);
        Assert.True(openssl.All.Contains("Verification: OK", StringComparison.Ordinal), openssl.All);
        var document = Assert.Single(PdfTimestamps.DocumentTimestamps(pdf));
        var archive = PdfTimestamps.OpensslVerify(document.Token, document.Imprint, factory.Tsa.CaPemPath, factory.Tsa.TsaCertPath);
        Assert.True(archive.All.Contains("Verification: OK", StringComparison.Ordinal), archive.All);
        // The same token over other bytes does not verify: the check can fail.
        imprint[0] ^= 1;
        Assert.DoesNotContain("Verification: OK", PdfTimestamps.OpensslVerify(token, imprint, factory.Tsa.CaPemPath, factory.Tsa.TsaCertPath).All, StringComparison.Ordinal);

        // It carries its own evidence: the event chain up to the head it prints, the FHIR bundle, the certificates.
        var detach = ExternalTool.Run("pdfdetach", "-list", path);
        Assert.Contains("event-chain.jsonl", detach.All, StringComparison.Ordinal);
        Assert.Contains("fhir-bundle.json", detach.All, StringComparison.Ordinal);
        Assert.Contains("certificates.pem", detach.All, StringComparison.Ordinal);
        Assert.True(verification.EmbeddedChain is { Verified: true }, verification.EmbeddedChain?.Problem);
        Assert.Equal(verification.ChainSequence, verification.EmbeddedChain!.Events);

        // verify-record, offline (no database, no network), trusting the development CA for the signer and the TSA.
        var offline = await ServiceProcess.RunAsync(null, "verify-record", path, "--ca", factory.Tsa.CaPemPath, "--tsa-ca", factory.Tsa.CaPemPath);
        Assert.True(offline.ExitCode == 0, offline.Output + offline.Error);
        Assert.Contains("PAdES B-LTA", offline.Output, StringComparison.Ordinal);
        Assert.Contains("archive time-stamp", offline.Output, StringComparison.Ordinal);
        Assert.Contains("hash, one after the other, to the chain head", offline.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("whose TSA is not trusted here", offline.Output, StringComparison.Ordinal);
        // Without the TSA's root the level is labelled as claimed, not checked.
        var unrooted = await ServiceProcess.RunAsync(null, "verify-record", path, "--ca", factory.Tsa.CaPemPath);
        Assert.Contains("PAdES B-LTA", unrooted.Output, StringComparison.Ordinal);
        Assert.Contains("reached with time-stamps whose TSA is not trusted here", unrooted.Output, StringComparison.Ordinal);

        // The verify endpoint says the same.
        var check = await Check(pdf);
        Assert.True(check["valid"]!.GetValue<bool>(), check.ToJsonString());
        Assert.Equal("B-LTA", check["evidence"]!["level"]!.GetValue<string>());
        Assert.Equal(2, check["evidence"]!["timestamps"]!.AsArray().Count);
        Assert.Equal(3, check["evidence"]!["embeddedFiles"]!.AsArray().Count);
        Assert.True(check["evidence"]!["embeddedChain"]!["verified"]!.GetValue<bool>());

        // The auditor's verify page shows the evidence.
        using var browser = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var form = await browser.GetStringAsync("/audit/verify");
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(PageForms.AntiforgeryToken(form)), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        upload.Add(file, "Upload", "record.pdf");
        var html = System.Net.WebUtility.HtmlDecode(await (await browser.PostAsync("/audit/verify", upload)).Content.ReadAsStringAsync());
        Assert.Contains("✓ Genuine", html, StringComparison.Ordinal);
        Assert.Contains("PAdES B-LTA", html, StringComparison.Ordinal);
        Assert.Contains("Signature time-stamp", html, StringComparison.Ordinal);
        Assert.Contains("Archive time-stamp", html, StringComparison.Ordinal);
        Assert.Contains("event-chain.jsonl", html, StringComparison.Ordinal);
        Assert.Contains("not yet anchored", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheTsaDown_ARecordIsStillIssued_AndUpgradedOnce_WhenItAnswers()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        factory.Tsa.Stop();
        byte[] issued;
        Guid sessionId;
        try
        {
            var session = await RecordSessions.CompleteAsync(driver);
            sessionId = session.Id;
            issued = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
            Assert.Equal("B-B", Verify(issued).EvidenceLevel);
            Assert.Equal(0, await RunJobAsync()); // still down: nothing changes, nothing is lost
        }
        finally
        {
            factory.Tsa.Start();
        }

        Assert.True(await RunJobAsync() >= 1);
        var upgraded = await RecordSessions.WaitForRecordAsync(driver.Clinician, sessionId);
        var verification = Verify(upgraded);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal("B-LTA", verification.EvidenceLevel);
        Assert.True(verification.Timestamps.All(t => t is { Kind: "document", Valid: true, Trusted: true }));
        Assert.True(upgraded.AsSpan(0, issued.Length).SequenceEqual(issued), "the issued bytes are a prefix of the upgraded file");

        // Nothing is issued twice: one RecordIssued event, one upgrade on the system trail, and a second run adds nothing.
        await RunJobAsync();
        Assert.Equal(upgraded, await RecordSessions.WaitForRecordAsync(driver.Clinician, sessionId));
        var (chainVerified, issuedEvents) = await RecordSessions.IssuedEventsAsync(driver.Clinician, sessionId);
        Assert.True(chainVerified);
        Assert.Equal(RecordSessions.Sha256(issued), Assert.Single(issuedEvents)["payload"]!["sha256"]!.GetValue<string>());
        await using (var connection = await factory.OpenDatabaseAsync())
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT count(*), max(detail->>'sha256'), max(detail->>'level') FROM system_events WHERE type = 'record.evidence.added' AND session_id = @s", connection);
            command.Parameters.AddWithValue("s", sessionId);
            await using var row = await command.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal(1, row.GetInt64(0));
            Assert.Equal(RecordSessions.Sha256(upgraded), row.GetString(1));
            Assert.Equal("B-LTA", row.GetString(2));
        }

        // Both files are the stored record: the issued one and its upgrade.
        Assert.True((await Check(issued))["valid"]!.GetValue<bool>());
        var check = await Check(upgraded);
        Assert.True(check["valid"]!.GetValue<bool>(), check.ToJsonString());
        Assert.Equal(1, check["evidence"]!["storedVersion"]!.GetValue<int>());

        // The public check page (no sign-in) says both are genuine: the upgrade is the record the service issued.
        using (var scope = factory.Services.CreateScope())
        {
            var publicCheck = scope.ServiceProvider.GetRequiredService<PublicRecordCheck>();
            foreach (var file in new[] { issued, upgraded })
            {
                Assert.True(await publicCheck.IsIssuedAsync(RecordSessions.Sha256(file), CancellationToken.None));
                var result = await publicCheck.CheckFileAsync(file, CancellationToken.None);
                Assert.True(result.Genuine, string.Join("; ", result.Report.Problems));
            }

            // Its time-stamps are checked against the TSA roots the service trusts.
            var stamps = (await publicCheck.CheckFileAsync(upgraded, CancellationToken.None)).Report.Lines.Where(l => l.Value.Contains("TSA", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(stamps);
            Assert.All(stamps, l => Assert.Contains("TSA trusted", l.Value, StringComparison.Ordinal));
        }

        // The versions are history: changed by the database owner, the audit names the record, and the issued file is served.
        await using (var owner = await factory.OpenOwnerDatabaseAsync())
        {
            await using var tamper = new Npgsql.NpgsqlCommand(
                "ALTER TABLE record_evidence DISABLE TRIGGER record_evidence_no_update_or_delete;"
                + "UPDATE record_evidence SET appended = overlay(appended placing '\\x58'::bytea from 200 for 1) WHERE session_id = @s AND version = 1;"
                + "ALTER TABLE record_evidence ENABLE TRIGGER record_evidence_no_update_or_delete;", owner);
            tamper.Parameters.AddWithValue("s", sessionId);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        using (var scope = factory.Services.CreateScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<Consent.Web.Audit.AuditService>().RunAsync(CancellationToken.None);
            Assert.Contains(audit.Findings, f => f.SessionId == sessionId && f.What.Contains("evidence version 1 no longer hashes", StringComparison.Ordinal));
        }

        Assert.Equal(issued, await RecordSessions.WaitForRecordAsync(driver.Clinician, sessionId));
    }

    [Fact]
    public async Task AnEvidenceVersionPlantedByTheDatabaseRole_IsNeitherServedNorVouchedFor()
    {
        factory.Tsa.Start();
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var issued = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        // What an attacker with the service's database role appends: bytes of their own, and the SHA-256 of the result.
        var appended = "\n% planted\n"u8.ToArray();
        byte[] forged = [.. issued, .. appended];
        await using (var runtime = await factory.OpenDatabaseAsync())
        {
            await using var plant = new Npgsql.NpgsqlCommand("""
                INSERT INTO record_evidence (id, record_id, session_id, kind, version, appended, sha256, level, added, created_at, seal)
                SELECT gen_random_uuid(), r.id, r.session_id, r.kind, 1, @appended, @sha, 'B-LTA', 'planted', now(), '\x3045'::bytea
                FROM consent_records r WHERE r.session_id = @s
                """, runtime);
            plant.Parameters.AddWithValue("appended", appended);
            plant.Parameters.AddWithValue("sha", RecordSessions.Sha256(forged));
            plant.Parameters.AddWithValue("s", session.Id);
            Assert.Equal(1, await plant.ExecuteNonQueryAsync());
        }

        Assert.Equal(issued, await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
        var check = await Check(forged);
        Assert.False(check["valid"]!.GetValue<bool>());
        Assert.False(check["storedRecord"]!["matches"]!.GetValue<bool>());
        using var scope = factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PublicRecordCheck>().IsIssuedAsync(RecordSessions.Sha256(forged), CancellationToken.None));
        var audit = await scope.ServiceProvider.GetRequiredService<Consent.Web.Audit.AuditService>().RunAsync(CancellationToken.None);
        Assert.Contains(audit.Findings, f => f.SessionId == session.Id && f.What.Contains("not sealed by this service", StringComparison.Ordinal));
    }

    private RecordVerification Verify(byte[] pdf)
    {
        var signing = factory.Services.GetRequiredService<RecordSigning>();
        using var ca = X509CertificateLoader.LoadCertificateFromFile(factory.Tsa.CaPemPath);
        return RecordVerifier.VerifyWithAny(pdf, [.. signing.Trusted], new RecordTrust { TimestampRoots = [ca], SignerRoots = [ca] });
    }

    private async Task<int> RunJobAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RecordEvidenceStore>().RunAsync(CancellationToken.None);
    }

    private async Task<JsonNode> Check(byte[] pdf)
    {
        using var staff = await factory.ClientForAsync(Staff.Auditor);
        using var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        using var response = await staff.PostAsync("/api/v1/records/verify", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
