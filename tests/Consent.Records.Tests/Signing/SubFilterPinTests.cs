using System.Text;
using Consent.Records.Signing;
using Consent.Records.Tests.Infrastructure;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Signatures;

namespace Consent.Records.Tests.Signing;

/// <summary>
/// Pins what our PAdES patch relies on: PDFsharp 6.2.4 writes "/SubFilter/adbe.pkcs7.detached"
/// and "/M(D:...+00'00')" into the output before asking the signer for the signature. If a new
/// PDFsharp version changes that, these tests fail before any record is issued with the wrong SubFilter.
/// </summary>
public sealed class SubFilterPinTests
{
    [Fact]
    public void PdfSharp_writes_the_adbe_subfilter_before_the_signature_is_computed()
    {
        var draft = ConsentRecordPdf.Render(SampleRecords.Full("en"));
        using var input = new MemoryStream(draft);
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(input, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        document.Options.NoCompression = true;
        using var output = new MemoryStream();
        var probe = new ProbeSigner(output);
        DigitalSignatureHandler.ForDocument(document, probe, new DigitalSignatureOptions());
        document.Save(output, closeStream: false);

        Assert.NotNull(probe.SeenAtSigning);
        Assert.Contains("/SubFilter/adbe.pkcs7.detached", probe.SeenAtSigning, StringComparison.Ordinal);
        Assert.Matches(@"/M\(D:\d{14}[+-]\d\d'\d\d'\)", probe.SeenAtSigning);
        Assert.Equal(SignatureDictionaryPatch.PdfSharpSubFilter.Length, SignatureDictionaryPatch.PadesSubFilter.Length);
    }

    [Fact]
    public void Signed_records_say_ETSI_CAdES_detached_and_never_adbe()
    {
        var text = Encoding.Latin1.GetString(SignedSamples.Pdf());
        Assert.Contains("/SubFilter/ETSI.CAdES.detached", text, StringComparison.Ordinal);
        Assert.DoesNotContain("adbe.pkcs7", text, StringComparison.Ordinal);
        Assert.Equal(RecordVerifier.PadesSubFilter, RecordVerifier.Verify(SignedSamples.Pdf(), Certificates.Ecdsa).SubFilter);
    }

    [Fact]
    public void The_signing_time_in_M_is_the_records_issue_time()
    {
        var record = SampleRecords.Full("en");
        Assert.Equal(record.IssuedAt, RecordVerifier.Verify(SignedSamples.Pdf(), Certificates.Ecdsa).SigningTime);
    }

    [Fact]
    public void Pdfsharp_version_is_the_one_the_patch_was_written_for()
    {
        var version = typeof(PdfDocument).Assembly.GetName().Version;
        Assert.Equal(new Version(6, 2, 4, 0), version);
    }

    sealed class ProbeSigner(MemoryStream output) : IDigitalSigner
    {
        public string? SeenAtSigning { get; private set; }

        public string CertificateName => "probe";

        public Task<int> GetSignatureSizeAsync() => Task.FromResult(64);

        public Task<byte[]> GetSignatureAsync(Stream stream)
        {
            SeenAtSigning = Encoding.Latin1.GetString(output.GetBuffer(), 0, (int)output.Length);
            return Task.FromResult(new byte[16]);
        }
    }
}
