using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Document;

/// <summary>
/// The record document as a whole: page numbering, paper, metadata, every kind. How long rendering
/// and signing takes is measured in benchmarks/ (RecordBenchmarks, and the time-render command).
/// </summary>
public sealed class RecordDocumentTests
{
    [Fact]
    public void Every_page_has_the_footer_with_page_x_of_y_workflow_and_patient()
    {
        var record = SampleRecords.Full("en");
        var path = ExternalTool.TempFile(SignedSamples.Pdf());
        var count = ConsentRecordPdf.CountPages(record, SignedSamples.Options);
        Assert.True(count >= 4);
        for (var page = 1; page <= count; page++)
        {
            var text = ExternalTool.Run("pdftotext", "-f", page.ToString(System.Globalization.CultureInfo.InvariantCulture), "-l",
                page.ToString(System.Globalization.CultureInfo.InvariantCulture), "-enc", "UTF-8", path, "-").Output;
            Assert.Contains($"Page {page} of {count}", text, StringComparison.Ordinal);
            Assert.Contains("ketamine-iv-depression version 3", text, StringComparison.Ordinal);
            Assert.Contains(record.Patient.Name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_last_page_is_the_audit_trail_with_the_full_last_hash()
    {
        var record = SampleRecords.Full("en");
        var count = ConsentRecordPdf.CountPages(record, SignedSamples.Options);
        var path = ExternalTool.TempFile(SignedSamples.Pdf());
        var last = ExternalTool.Run("pdftotext", "-f", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-enc", "UTF-8", path, "-").Output;
        Assert.Contains(record.Audit.LastHash, last, StringComparison.Ordinal);
        var all = ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-").Output;
        Assert.Contains("Audit trail", all, StringComparison.Ordinal);
        Assert.Contains("ClinicianCountersigned", all, StringComparison.Ordinal);
    }

    [Fact]
    public void A4_paper_is_supported()
    {
        var pdf = ConsentRecordPdf.Render(SampleRecords.Full("en"), new RecordRenderOptions { Paper = PaperSize.A4 });
        var info = ExternalTool.Run("pdfinfo", ExternalTool.TempFile(pdf)).Output;
        Assert.Contains("595.28 x 841.89 pts (A4)", info, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RecordKind.Withdrawal, "Withdrawal of consent")]
    [InlineData(RecordKind.DeclinedSummary, "Summary of a declined consent session")]
    [InlineData(RecordKind.ReferredSummary, "Summary of a session ended by referral")]
    public void Other_record_kinds_render_sign_and_say_what_they_are(RecordKind kind, string subtitle)
    {
        var pdf = ConsentRecordPdf.RenderSigned(SampleRecords.Full("en", kind), new RecordSigner(Certificates.Ecdsa));
        var path = ExternalTool.TempFile(pdf);
        Assert.Contains(subtitle, ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-").Output, StringComparison.Ordinal);
        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", path).All, StringComparison.Ordinal);
        Assert.Equal(0, ExternalTool.Run("qpdf", "--check", path).ExitCode);
        Assert.Equal(kind, RecordVerifier.Verify(pdf, Certificates.Ecdsa).Kind);
    }

    [Fact]
    public void The_info_dictionary_names_session_kind_and_workflow()
    {
        var info = ExternalTool.Run("pdfinfo", "-custom", ExternalTool.TempFile(SignedSamples.Pdf())).Output;
        Assert.Contains(SampleRecords.SessionId.ToString(), info, StringComparison.Ordinal);
        Assert.Contains("ConsentRecordKind", info, StringComparison.Ordinal);
        Assert.Contains("ConsentWorkflowHash", info, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clinic_logo_is_placed_and_the_file_stays_clean()
    {
        var record = SampleRecords.Full("en");
        record = record with { Clinic = record.Clinic with { Logo = TinyPng.Logo() } };
        var path = ExternalTool.TempFile(ConsentRecordPdf.RenderSigned(record, new RecordSigner(Certificates.Ecdsa)));

        var check = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(check.ExitCode == 0 && !check.All.Contains("WARNING", StringComparison.Ordinal), check.All);
        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", path).All, StringComparison.Ordinal);
        Assert.Contains("image", ExternalTool.Run("pdfimages", "-list", "-f", "1", "-l", "1", path).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendering_is_deterministic_apart_from_the_given_times()
    {
        var record = SampleRecords.Full("en");
        Assert.Equal(ConsentRecordPdf.Render(record), ConsentRecordPdf.Render(record));
    }

    [Fact]
    public void Records_render_and_sign_in_parallel()
    {
        var signer = new RecordSigner(Certificates.Ecdsa);
        var pdfs = Enumerable.Range(0, 8).AsParallel().Select(i => ConsentRecordPdf.RenderSigned(SampleRecords.Full(i % 2 == 0 ? "en" : "es"), signer)).ToList();
        Assert.All(pdfs, pdf => Assert.True(RecordVerifier.Verify(pdf, Certificates.Ecdsa).IsValid));
    }
}
