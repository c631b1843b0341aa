using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Verification;

/// <summary>
/// Changes outside the signed bytes: an incremental update after the signature, and the padding of the
/// signature value itself. A PDF reader shows the first and ignores the second; neither may pass as the record.
/// </summary>
public sealed class UnsignedChangeTests
{
    private static readonly Guid Spoofed = Guid.Parse("11111111-2222-3333-4444-555555555555");

    [Fact]
    public void An_incremental_update_renaming_the_session_is_reported_and_what_the_record_names_comes_from_the_signed_part()
    {
        var pdf = SignedSamples.Pdf();
        var updated = PdfEdits.AppendInfoUpdate(pdf,
            $"/ConsentSessionId({Spoofed})/ConsentRecordKind(Withdrawal)/ConsentWorkflowId(another-workflow)/ConsentWorkflowVersion(9)");
        var file = ExternalTool.TempFile(updated);

        // Real tools agree the update is well formed and is what a reader now sees, while the signature still verifies.
        Assert.Equal(0, ExternalTool.Run("qpdf", "--check", file).ExitCode);
        Assert.Contains($"ConsentSessionId:{Spoofed}", ExternalTool.Run("pdfinfo", "-custom", file).Output, StringComparison.Ordinal);
        var pdfsig = ExternalTool.Run("pdfsig", file).Output;
        Assert.Contains("Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.Contains("Not total document signed", pdfsig, StringComparison.Ordinal);

        var result = RecordVerifier.Verify(updated, Certificates.Ecdsa);

        Assert.Equal(SampleRecords.SessionId, result.SessionId);
        Assert.Equal(RecordKind.Consent, result.Kind);
        Assert.Equal("ketamine-iv-depression", result.WorkflowId);
        Assert.Equal(3, result.WorkflowVersion);
        Assert.Equal(updated.Length - pdf.Length, result.UnsignedBytes);
        Assert.False(result.CoversWholeFile);
        Assert.False(result.IsIntact);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains($"{updated.Length - pdf.Length} bytes were appended", StringComparison.Ordinal));
    }

    public static TheoryData<string> PaddingChanges() => ["7", "F", " "];

    [Theory]
    [MemberData(nameof(PaddingChanges))]
    public void A_changed_byte_in_the_signature_padding_is_refused(string replacement)
    {
        var pdf = SignedSamples.Pdf().ToArray();
        var end = PdfEdits.SignatureValue(pdf).End - 2;            // the last hex digit, inside the zero padding
        Assert.Equal((byte)'0', pdf[end]);
        pdf[end] = (byte)replacement[0];

        // pdfsig checks only the signed bytes, so for it nothing changed.
        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", ExternalTool.TempFile(pdf)).Output, StringComparison.Ordinal);

        var result = RecordVerifier.Verify(pdf, Certificates.Ecdsa);

        Assert.False(result.IsValid);
        Assert.NotEmpty(result.Problems);
    }

    [Fact]
    public void Padding_that_is_not_zeros_is_named_as_such()
    {
        var pdf = SignedSamples.Pdf().ToArray();
        pdf[PdfEdits.SignatureValue(pdf).End - 2] = (byte)'7';

        var result = RecordVerifier.Verify(pdf, Certificates.Ecdsa);

        Assert.Contains(result.Problems, p => p.Contains("padding", StringComparison.Ordinal));
    }

    [Fact]
    public void A_hex_letter_of_the_signature_in_the_other_case_is_refused()
    {
        var pdf = SignedSamples.Pdf().ToArray();
        var (start, end) = PdfEdits.SignatureValue(pdf);
        var letter = Array.FindIndex(pdf, start, end - start, b => b is >= (byte)'A' and <= (byte)'F');
        pdf[letter] = (byte)char.ToLowerInvariant((char)pdf[letter]);

        var result = RecordVerifier.Verify(pdf, Certificates.Ecdsa);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("hexadecimal", StringComparison.Ordinal));
    }
}
