using System.Text.RegularExpressions;
using Consent.Records.Layout;
using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Signing;

/// <summary>Full records checked by third-party tools: qpdf, pdfsig (with and without trust), pdftotext.</summary>
public sealed partial class SignedRecordQualityTests
{
    public static TheoryData<string> Languages => ["en", "es"];

    static byte[] Pdf(string language) => SignedSamples.Pdf(language);

    [Theory]
    [MemberData(nameof(Languages))]
    public void Qpdf_check_passes_without_warnings(string language)
    {
        var path = ExternalTool.TempFile(Pdf(language));
        var result = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotContain("WARNING", result.All, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("No syntax or stream encoding errors found", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Pdfsig_reports_a_valid_pades_signature(string language)
    {
        var path = ExternalTool.TempFile(Pdf(language));
        var result = ExternalTool.Run("pdfsig", path);
        Assert.Contains("Signature is Valid.", result.All, StringComparison.Ordinal);
        Assert.Contains("ETSI.CAdES.detached", result.All, StringComparison.Ordinal);
        Assert.Contains("Total document signed", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdfsig_trusts_the_certificate_once_it_is_in_an_nss_database()
    {
        var path = ExternalTool.TempFile(SignedSamples.Pdf("en"));
        var db = Path.Combine(Path.GetTempPath(), "consent-records-tests", "nss-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(db);
        var pem = ExternalTool.TempFile(System.Text.Encoding.ASCII.GetBytes(SigningCertificates.ExportPublicPem(Certificates.Ecdsa)), ".pem");
        Assert.Equal(0, ExternalTool.Run("certutil", "-N", "-d", "sql:" + db, "--empty-password").ExitCode);
        var add = ExternalTool.Run("certutil", "-A", "-d", "sql:" + db, "-n", "consent", "-t", "CT,C,C", "-a", "-i", pem);
        Assert.True(add.ExitCode == 0, add.All);

        var result = ExternalTool.Run("pdfsig", "-nssdir", "sql:" + db, path);
        Assert.Contains("Signature is Valid.", result.All, StringComparison.Ordinal);
        Assert.Contains("Certificate is Trusted.", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void Pdftotext_gives_back_every_disclosure_text(string language)
    {
        var path = ExternalTool.TempFile(Pdf(language));
        var result = ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-");
        Assert.Equal(0, result.ExitCode);
        var text = Normalize(result.Output);
        var record = SampleRecords.Full(language);
        foreach (var disclosure in record.Disclosures)
        {
            Assert.Contains(Normalize(disclosure.Title), text, StringComparison.Ordinal);
            foreach (var paragraph in MarkdownBlocks.VisibleParagraphs(disclosure.Body))
            {
                Assert.Contains(Normalize(paragraph), text, StringComparison.Ordinal);
            }
        }

        Assert.Contains(record.Patient.Name, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Spanish_record_keeps_accents_and_symbols()
    {
        var path = ExternalTool.TempFile(SignedSamples.Pdf("es"));
        var text = ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-").Output;
        foreach (var word in new[] { "María José García Núñez", "Registro de consentimiento informado", "¿Puede", "Página 1 de", "−05:00" })
        {
            Assert.Contains(word, text, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The clinician countersigns by re-entering the password, not by a typed name: the empty
    /// signature box says so, while the patient's typed-name box keeps its own caption.
    /// </summary>
    [Theory]
    [InlineData("en", "Signed electronically by password re-entry", "Signed by typed name")]
    [InlineData("es", "Firmado electrónicamente al volver a introducir la contraseña", "Firmado con el nombre escrito")]
    public void Countersignature_box_names_the_password_reentry(string language, string clinicianCaption, string typedCaption)
    {
        var path = ExternalTool.TempFile(Pdf(language));
        var text = Normalize(ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-").Output);
        Assert.Contains(Normalize(clinicianCaption), text, StringComparison.Ordinal);
        // The sample patient drew a signature, so no box in it says "typed name".
        Assert.DoesNotContain(typedCaption, text, StringComparison.Ordinal);
    }

    /// <summary>Collapses whitespace and rejoins words broken after a hyphen or dash at a line end.</summary>
    internal static string Normalize(string text)
    {
        var joined = LineEndBreak().Replace(text, "$1");
        return Whitespace().Replace(joined, " ").Trim();
    }

    [GeneratedRegex(@"([\-\u2010\u2013\u2014/])[ \t]*\r?\n\s*")]
    private static partial Regex LineEndBreak();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
