using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Consent.Records.Tests.Verification;

/// <summary>
/// The public check page reads uploads from anyone. An outside review signed a small PDF correctly with
/// a certificate of its own and stuffed the signature with thousands of other certificates: each check
/// then cost seconds of processor time. The verifier now reads a signature value of a record's size
/// only, with at most a few certificates, and says why it stopped.
/// </summary>
public sealed class SignatureBoundsTests
{
    [Fact]
    public void ASignatureCarryingManyCertificates_IsNotCheckedFurther_AndSaysWhy()
    {
        var pdf = SignedPdf(extraCertificates: 12, hole: 16 * 1024);

        var result = RecordVerifier.Verify(pdf, trustedCertificate: null);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("carries 13 certificates", StringComparison.Ordinal));
    }

    [Fact]
    public void ASignatureLargerThanAnyRecords_IsNotRead()
    {
        var pdf = SignedPdf(extraCertificates: 400, hole: 400 * 1024);

        var result = RecordVerifier.Verify(pdf, trustedCertificate: null);

        Assert.False(result.IsValid);
        Assert.Contains(result.Problems, p => p.Contains("larger than any record's", StringComparison.Ordinal));
    }

    [Fact]
    public void AWellFormedSignatureOfAnotherSigner_IsStillRead_ItIsOnlyNotTrusted()
    {
        var pdf = SignedPdf(extraCertificates: 0, hole: 16 * 1024);

        var result = RecordVerifier.Verify(pdf, trustedCertificate: null);

        Assert.DoesNotContain(result.Problems, p => p.Contains("certificates;", StringComparison.Ordinal) || p.Contains("larger than any", StringComparison.Ordinal));
        Assert.True(result.DigestMatches, "the signature was read and its digest checked: " + string.Join(" | ", result.Problems));
    }

    /// <summary>
    /// A one-page PDF with a PAdES signature field, signed (detached CMS over the byte ranges) with a
    /// self-made certificate, its signature carrying <paramref name="extraCertificates"/> more certificates.
    /// </summary>
    private static byte[] SignedPdf(int extraCertificates, int hole)
    {
        string[] objects =
        [
            "<</Type/Catalog/Pages 2 0 R>>",
            "<</Type/Pages/Kids[3 0 R]/Count 1>>",
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>",
            "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M(D:20261130120000+00'00')/Contents<"
                + new string('0', hole * 2) + ">/ByteRange[0 ********** ********** **********]>>",
        ];
        var text = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(text.Length);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = text.Length;
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<</Size {objects.Length + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n");
        var pdf = Encoding.ASCII.GetBytes(text.ToString());

        var contents = text.ToString().IndexOf("/Contents<", StringComparison.Ordinal) + "/Contents".Length;
        var end = contents + (hole * 2) + 2;
        var placeholder = text.ToString().IndexOf("[0 ********** ********** **********]", StringComparison.Ordinal);
        var range = $"[0 {contents} {end} {pdf.Length - end}]".PadRight("[0 ********** ********** **********]".Length);
        Encoding.ASCII.GetBytes(range).CopyTo(pdf, placeholder);

        var signed = pdf[..contents].Concat(pdf[end..]).ToArray();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Someone else", key, HashAlgorithmName.SHA256);
        using var signer = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        // With a signed attribute, the CMS carries the content's digest as a signed attribute too, as a record's does.
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer);
        cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime(DateTime.UtcNow));
        cms.ComputeSignature(cmsSigner);
        for (var i = 0; i < extraCertificates; i++)
        {
            using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var other = new CertificateRequest($"CN=Padding {i}", otherKey, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            cms.AddCertificate(other);
        }

        var hex = Convert.ToHexString(cms.Encode());
        Assert.True(hex.Length <= hole * 2, $"the signature ({hex.Length / 2} bytes) does not fit the hole ({hole} bytes)");
        Encoding.ASCII.GetBytes(hex).CopyTo(pdf, contents + 1);
        return pdf;
    }
}
