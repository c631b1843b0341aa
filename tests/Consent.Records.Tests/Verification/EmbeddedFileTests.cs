using System.Text;
using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Verification;

/// <summary>Files embedded in a record (PDF/A-3 associated files) and the check of its embedded event chain.</summary>
public sealed class EmbeddedFileTests
{
    static byte[] Signed(params RecordAttachment[] attachments) =>
        ConsentRecordPdf.RenderSigned(SampleRecords.Full(), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options with { Attachments = attachments });

    [Fact]
    public void Embedded_files_are_listed_by_pdfdetach_and_the_verifier_inside_the_signed_part()
    {
        var pdf = Signed(new RecordAttachment("notes.json", "application/json", "A note.", "Supplement", "{\"a\":1}"u8.ToArray()));

        var listed = ExternalTool.Run("pdfdetach", "-list", ExternalTool.TempFile(pdf));
        Assert.Contains("notes.json", listed.All, StringComparison.Ordinal);
        var v = RecordVerifier.Verify(pdf, Certificates.Ecdsa);
        Assert.True(v.IsValid, string.Join("; ", v.Problems));
        var file = Assert.Single(v.EmbeddedFiles);
        Assert.Equal(("notes.json", "application/json", 7, "Supplement"), (file.Name, file.MediaType, file.Size, file.Relationship));
        Assert.Null(v.EmbeddedChain);
        var qpdf = ExternalTool.Run("qpdf", "--check", ExternalTool.TempFile(pdf));
        Assert.True(qpdf.ExitCode == 0 && !qpdf.All.Contains("WARNING", StringComparison.Ordinal), qpdf.All);
    }

    [Fact]
    public void An_embedded_chain_that_does_not_reach_the_printed_chain_head_is_a_problem()
    {
        var line = "{\"prevHash\":\"" + new string('0', 64) + "\",\"seq\":1,\"type\":\"SessionCreated\"}\n";
        var pdf = Signed(new RecordAttachment(RecordAttachment.EventChainName, "application/jsonl", "Chain.", "Source", Encoding.UTF8.GetBytes(line)));

        var v = RecordVerifier.Verify(pdf, Certificates.Ecdsa);

        Assert.True(v.IsIntact);
        Assert.False(v.IsValid);
        Assert.False(v.EmbeddedChain!.Verified);
        Assert.Contains(v.Problems, p => p.Contains("embedded event chain does not hold", StringComparison.Ordinal));
    }
}
