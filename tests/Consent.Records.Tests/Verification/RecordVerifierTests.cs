using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Verification;

/// <summary>The verifier on good records and on everything else an auditor might upload.</summary>
public sealed class RecordVerifierTests
{
    [Fact]
    public void A_signed_record_verifies_and_names_its_session()
    {
        var result = RecordVerifier.Verify(SignedSamples.Pdf(), Certificates.Ecdsa);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Empty(result.Problems);
        Assert.Equal(SampleRecords.SessionId, result.SessionId);
        Assert.Equal(RecordKind.Consent, result.Kind);
        Assert.Equal("ketamine-iv-depression", result.WorkflowId);
        Assert.Equal(3, result.WorkflowVersion);
        Assert.Equal(Certificates.Ecdsa.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), result.Certificate!.ThumbprintSha256);
        Assert.Equal(64, result.FileSha256.Length);
    }

    [Fact]
    public void A_signed_record_names_the_last_event_it_covers_inside_the_signed_bytes()
    {
        var record = SampleRecords.Full("en");

        var result = RecordVerifier.Verify(SignedSamples.Pdf(), Certificates.Ecdsa);

        Assert.Equal(record.Audit.Events[^1].Sequence, result.ChainSequence);
        Assert.Equal(record.Audit.LastHash, result.ChainHash);
        Assert.Equal(record.Audit.Events[^1].Hash, result.ChainHash);
    }

    [Fact]
    public void A_record_without_a_chain_head_verifies_and_names_none()
    {
        var record = SampleRecords.Full("en") with { Audit = new AuditTrail([], new string('0', 64)) };

        var result = RecordVerifier.Verify(ConsentRecordPdf.RenderSigned(record, new RecordSigner(Certificates.Ecdsa)), Certificates.Ecdsa);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        Assert.Null(result.ChainSequence);
        Assert.Null(result.ChainHash);
    }

    [Fact]
    public void Signed_by_another_certificate_is_intact_but_not_trusted()
    {
        var result = RecordVerifier.Verify(SignedSamples.Pdf(), Certificates.Other);

        Assert.True(result.IsIntact);
        Assert.False(result.Trusted);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("different certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_trusted_certificate_the_signer_is_not_confirmed()
    {
        var result = RecordVerifier.Verify(SignedSamples.Pdf(), null);
        Assert.True(result.IsIntact);
        Assert.False(result.Trusted);
    }

    /// <remarks>What a record names is reported from its signed part only, so an unsigned file names nothing.</remarks>
    [Fact]
    public void An_unsigned_record_is_reported_as_unsigned_and_names_no_session()
    {
        var result = RecordVerifier.Verify(ConsentRecordPdf.Render(SampleRecords.Full("en")), Certificates.Ecdsa);

        Assert.True(result.IsPdf);
        Assert.False(result.HasSignature);
        Assert.Null(result.SessionId);
        Assert.Null(result.Kind);
        Assert.Contains("The file is not signed.", result.Problems);
    }

    [Fact]
    public void Data_appended_after_signing_is_reported()
    {
        var pdf = SignedSamples.Pdf().Concat("\n% appended\n"u8.ToArray()).ToArray();
        var result = RecordVerifier.Verify(pdf, Certificates.Ecdsa);

        Assert.False(result.CoversWholeFile);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("appended", StringComparison.Ordinal));
    }

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "empty", [] },
        { "text", "hello, this is not a PDF"u8.ToArray() },
        { "random", RandomBytes(100_000) },
        { "pdf header only", "%PDF-1.7\n"u8.ToArray() },
        { "broken byte range", "%PDF-1.7\n/ByteRange [0 99999999999 5 -3] /Contents <zz>"u8.ToArray() },
        { "byte range past the end", "%PDF-1.7\n/ByteRange [0 10 20 9999] /Contents <00>"u8.ToArray() },
        { "contents not cms", "%PDF-1.7\n1 0 obj<</Contents<3082>/ByteRange[0 22 28 9]>>endobj trailer"u8.ToArray() },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_gives_a_clear_result_and_never_throws(string name, byte[] input)
    {
        var result = RecordVerifier.Verify(input, Certificates.Ecdsa);

        Assert.False(result.IsValid, name);
        Assert.NotEmpty(result.Problems);
        Assert.Equal(64, result.FileSha256.Length);
    }

    [Fact]
    public void A_truncated_record_is_not_valid()
    {
        var pdf = SignedSamples.Pdf();
        foreach (var length in new[] { 10, 1000, pdf.Length / 2, pdf.Length - 10 })
        {
            var result = RecordVerifier.Verify(pdf.AsMemory(0, length), Certificates.Ecdsa);
            Assert.False(result.IsValid);
            Assert.NotEmpty(result.Problems);
        }
    }

    [Fact]
    public void A_huge_file_is_refused_without_reading_it_as_a_pdf()
    {
        var huge = new byte[RecordVerifier.MaxBytes + 1];
        "%PDF-1.7"u8.CopyTo(huge);
        var result = RecordVerifier.Verify(huge, Certificates.Ecdsa);

        Assert.False(result.IsPdf);
        Assert.Contains(result.Problems, p => p.Contains("MiB", StringComparison.Ordinal));
    }

    [Fact]
    public void Any_of_several_trusted_certificates_may_have_signed()
    {
        var result = RecordVerifier.VerifyWithAny(SignedSamples.Pdf(), [Certificates.Other, Certificates.Ecdsa]);
        Assert.True(result.IsValid, string.Join("; ", result.Problems));
    }

    [Fact]
    public void A_signing_time_outside_the_certificate_validity_is_a_problem()
    {
        var record = SampleRecords.Full("en") with { IssuedAt = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        var pdf = ConsentRecordPdf.RenderSigned(record, new RecordSigner(Certificates.Ecdsa));
        var result = RecordVerifier.Verify(pdf, Certificates.Ecdsa);

        Assert.True(result.IsIntact);
        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("validity", StringComparison.Ordinal));
    }

    static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
