using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Signing;

/// <summary>One changed byte inside the signed range must break the signature, for pdfsig and for our verifier.</summary>
public sealed class TamperTests
{
    [Fact]
    public void One_changed_byte_in_the_signed_range_makes_pdfsig_and_the_verifier_fail()
    {
        var pdf = SignedSamples.Pdf().ToArray();
        // Change a digit of the session id in the document information: plain text, inside the first range.
        var at = pdf.AsSpan().IndexOf("6f1c2a4e"u8);
        Assert.True(at > 0);
        pdf[at] = (byte)'7';

        var result = ExternalTool.Run("pdfsig", ExternalTool.TempFile(pdf));
        Assert.DoesNotContain("Signature is Valid.", result.All, StringComparison.Ordinal);
        Assert.Contains("Digest Mismatch", result.All, StringComparison.OrdinalIgnoreCase);

        var verification = RecordVerifier.Verify(pdf, Certificates.Ecdsa);
        Assert.False(verification.DigestMatches);
        Assert.False(verification.IsIntact);
        Assert.Contains(verification.Problems, p => p.Contains("changed after signing", StringComparison.Ordinal));
    }

    [Fact]
    public void A_changed_byte_in_the_last_range_is_detected_too()
    {
        var pdf = SignedSamples.Pdf().ToArray();
        var at = pdf.AsSpan().LastIndexOf("startxref"u8);
        pdf[at + 2] = (byte)'A';

        Assert.DoesNotContain("Signature is Valid.", ExternalTool.Run("pdfsig", ExternalTool.TempFile(pdf)).All, StringComparison.Ordinal);
        Assert.False(RecordVerifier.Verify(pdf, Certificates.Ecdsa).IsIntact);
    }
}
