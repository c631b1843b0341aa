using Consent.Records.Tests.Infrastructure;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>The service binary's record verbs and its refusal to start without a certificate outside Development.</summary>
public sealed class RecordCommandTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task VerifyRecord_WithTheServiceCertificate_PrintsAValidReport_AndExits0()
    {
        var (pdf, pem) = await IssuedRecordAsync();

        var result = await ServiceProcess.RunAsync(null, "verify-record", ExternalTool.TempFile(pdf), "--certificate", ExternalTool.TempFile(pem, ".pem"));

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Result:       VALID", result.Output, StringComparison.Ordinal);
        Assert.Contains(RecordSessions.Sha256(pdf), result.Output, StringComparison.Ordinal);
    }

    /// <summary>The export's certificate.pem lists the current certificate and earlier ones; any of them may have signed a record.</summary>
    [Fact]
    public async Task VerifyRecord_WithAPemOfSeveralCertificates_TrustsTheOneThatSigned()
    {
        var (pdf, pem) = await IssuedRecordAsync();
        var other = Path.Combine(factory.DataDirectory, "other-" + Guid.NewGuid().ToString("N") + ".pfx");
        Consent.Web.SignedRecords.RecordSigning.CreateFile(other, "Another clinic records", null);
        using var otherCertificate = Consent.Records.SigningCertificates.Load(other, null);
        var both = System.Text.Encoding.ASCII.GetBytes(Consent.Records.SigningCertificates.ExportPublicPem(otherCertificate) + System.Text.Encoding.ASCII.GetString(pem));

        var trusted = await ServiceProcess.RunAsync(null, "verify-record", ExternalTool.TempFile(pdf), "--certificate", ExternalTool.TempFile(both, ".pem"));
        var onlyOther = await ServiceProcess.RunAsync(null, "verify-record", ExternalTool.TempFile(pdf), "--certificate",
            ExternalTool.TempFile(System.Text.Encoding.ASCII.GetBytes(Consent.Records.SigningCertificates.ExportPublicPem(otherCertificate)), ".pem"));

        Assert.True(trusted.ExitCode == 0, trusted.All);
        Assert.Equal(1, onlyOther.ExitCode);
        Assert.Contains("NOT trusted", onlyOther.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyRecord_OfATamperedCopy_OrWithoutACertificate_ExitsNonZero()
    {
        var (pdf, pem) = await IssuedRecordAsync();
        var tampered = (byte[])pdf.Clone();
        tampered[tampered.Length / 2] ^= 0x04;

        var changed = await ServiceProcess.RunAsync(null, "verify-record", ExternalTool.TempFile(tampered), "--certificate", ExternalTool.TempFile(pem, ".pem"));
        var untrusted = await ServiceProcess.RunAsync(
            new Dictionary<string, string> { ["CONSENT_DATA_DIR"] = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")) },
            "verify-record", ExternalTool.TempFile(pdf));
        var missing = await ServiceProcess.RunAsync(null, "verify-record", "/nonexistent/record.pdf");

        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("NOT VALID", changed.Output, StringComparison.Ordinal);
        Assert.Equal(1, untrusted.ExitCode);
        Assert.Contains("no certificate given", untrusted.Output, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task VerifyRecord_ReportsOnlyTheSignedPart_AndRefusesChangedPadding()
    {
        var (pdf, pem) = await IssuedRecordAsync();
        var certificate = ExternalTool.TempFile(pem, ".pem");
        var spoofed = Guid.NewGuid();
        var updated = PdfEdits.AppendInfoUpdate(pdf, $"/ConsentSessionId({spoofed})");
        var padded = (byte[])pdf.Clone();
        padded[PdfEdits.SignatureValue(padded).End - 2] = (byte)'7';

        var appended = await ServiceProcess.RunAsync(null, "verify-record", ExternalTool.TempFile(updated), "--certificate", certificate);
        var changedPadding = await ServiceProcess.RunAsync(null, "verify-record", ExternalTool.TempFile(padded), "--certificate", certificate);

        Assert.Equal(1, appended.ExitCode);
        Assert.DoesNotContain(spoofed.ToString(), appended.Output, StringComparison.Ordinal);
        Assert.Contains($"Unsigned:     {updated.Length - pdf.Length} bytes after the signed part", appended.Output, StringComparison.Ordinal);
        Assert.Contains("Result:       NOT VALID", appended.Output, StringComparison.Ordinal);
        Assert.Equal(1, changedPadding.ExitCode);
        Assert.Contains("padding", changedPadding.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopment_WithoutACertificate_TheServiceRefusesToStart_SayingWhatToSet()
    {
        var result = await ServiceProcess.StartInProductionAsync(factory.ConnectionString);

        ServiceProcess.AssertRefusedToStart(result, "Signing:CertificatePath");
    }

    [Fact]
    public async Task CreateSigningCertificate_WritesOneOnce_ThatTheServiceCanSignWith()
    {
        var folder = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(folder, "records.pfx");

        var created = await ServiceProcess.RunAsync(null, "create-signing-certificate", file, "--subject", "Test Clinic records");
        var again = await ServiceProcess.RunAsync(null, "create-signing-certificate", file);

        Assert.True(created.ExitCode == 0, created.All);
        Assert.Equal(1, again.ExitCode);
        using var certificate = Consent.Records.SigningCertificates.Load(file, null);
        Assert.Equal("CN=Test Clinic records", certificate.Subject);
        Assert.Contains("BEGIN CERTIFICATE", File.ReadAllText(Path.Combine(folder, "records.pem")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    private async Task<(byte[] Pdf, byte[] Pem)> IssuedRecordAsync()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        using var anonymous = factory.CreateClient();
        return (pdf, await anonymous.GetByteArrayAsync("/api/v1/records/certificate"));
    }
}
