using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using PdfSharp.Pdf.Signatures;

namespace Consent.Records.Signing;

/// <summary>
/// PDFsharp's hook for the signature value: builds a detached CAdES (CMS) signature over the
/// byte ranges with SHA-256 and the signed attributes content-type, message-digest and
/// signing-certificate-v2. No signing-time attribute: PAdES carries the time in /M.
/// </summary>
/// <remarks>
/// Before reading the ranges it rewrites PDFsharp's signature dictionary in the output buffer
/// (see <see cref="SignatureDictionaryPatch"/>): at that moment the whole file is written but not
/// yet digested, so the patched bytes are the ones the signature covers.
/// </remarks>
sealed class CadesDetachedSigner(X509Certificate2 certificate, MemoryStream output, DateTimeOffset signingTime, byte[]? seed = null, int? size = null) : IDigitalSigner
{
    int? _size = size;

    public string CertificateName => certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);

    /// <summary>The room a signature by <paramref name="certificate"/> needs: a dummy's size, plus a margin as ECDSA signatures vary by a few bytes.</summary>
    public static int MeasureSignatureSize(X509Certificate2 certificate) =>
        new CadesDetachedSigner(certificate, new MemoryStream(), default).Sign([0]).Length + 64;

    public Task<int> GetSignatureSizeAsync()
    {
        _size ??= MeasureSignatureSize(certificate);
        return Task.FromResult(_size.Value);
    }

    public Task<byte[]> GetSignatureAsync(Stream stream)
    {
        SignatureDictionaryPatch.Apply(output, signingTime);
        ReproducibleOutput.Apply(output.GetBuffer().AsSpan(0, (int)output.Length), seed ?? [], signingTime);
        // PDFsharp's RangedStream reads correctly only when asked for everything in one call
        // (it cannot seek, and piecewise reads start at the writer's current position).
        var ranges = new byte[stream.Length];
        var read = stream.Read(ranges, 0, ranges.Length);
        if (read != ranges.Length)
        {
            throw new InvalidOperationException($"Read {read} of {ranges.Length} bytes of the signed ranges.");
        }

        return Task.FromResult(Sign(ranges));
    }

    internal byte[] Sign(byte[] content)
    {
        var cms = new SignedCms(new ContentInfo(content), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1", "sha256"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        // With any signed attribute present, SignedCms adds content-type and message-digest itself.
        signer.SignedAttributes.Add(new AsnEncodedData(new Oid(SigningCertificateV2.Oid), SigningCertificateV2.Encode(certificate)));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }
}
