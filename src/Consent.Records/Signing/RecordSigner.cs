using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Consent.Records.Signing;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using PdfSharp.Pdf.Signatures;

namespace Consent.Records;

/// <summary>
/// Signs record PDFs as PAdES baseline B-B (/SubFilter /ETSI.CAdES.detached, CMS with SHA-256 and
/// signing-certificate-v2) with the service's certificate. Thread-safe; one instance can serve a process.
/// </summary>
public sealed class RecordSigner
{
    /// <summary>A signer for a certificate that carries its ECDSA (P-256 by default) or RSA private key.</summary>
    /// <param name="certificate">The signing certificate with its private key.</param>
    /// <param name="timestampRoom">
    /// Bytes reserved in each signature's /Contents for an RFC 3161 signature time-stamp added later in place
    /// (<see cref="RecordEvidence.TimestampSignatureAsync"/>); 0 when no TSA is configured.
    /// </param>
    public RecordSigner(X509Certificate2 certificate, int timestampRoom = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampRoom);
        TimestampRoom = timestampRoom;
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The signing certificate has no private key.", nameof(certificate));
        }

        if (certificate.GetECDsaPublicKey() is null && certificate.GetRSAPublicKey() is null)
        {
            throw new ArgumentException("The signing certificate must have an ECDSA or RSA key.", nameof(certificate));
        }

        Certificate = certificate;
    }

    /// <summary>The room a signature time-stamp gets when a TSA is configured: a token with a two-certificate chain is about 3 KB.</summary>
    public const int DefaultTimestampRoom = 10 * 1024;

    /// <summary>Bytes reserved for a signature time-stamp.</summary>
    public int TimestampRoom { get; }

    /// <summary>The certificate signatures are made with.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The room reserved for the signature value, learnt once per certificate by signing a dummy.</summary>
    int SignatureSize
    {
        get
        {
            var size = Volatile.Read(ref _signatureSize);
            if (size == 0)
            {
                size = CadesDetachedSigner.MeasureSignatureSize(Certificate) + TimestampRoom;
                Volatile.Write(ref _signatureSize, size);
            }

            return size;
        }
    }

    int _signatureSize;

    /// <summary>
    /// Signs a PDF (invisible signature on the last page) and returns the signed file. Streams are
    /// re-encoded as standard zlib first, so the signature covers the final, qpdf-clean bytes.
    /// </summary>
    public byte[] Sign(ReadOnlyMemory<byte> pdf, DateTimeOffset signingTime, string? reason = null, string? location = null) =>
        Sign(pdf, signingTime, reason, location, seed: null);

    /// <summary>Signs; document ids are derived from <paramref name="seed"/> (default: the input bytes) so output is reproducible.</summary>
    internal byte[] Sign(ReadOnlyMemory<byte> pdf, DateTimeOffset signingTime, string? reason, string? location, byte[]? seed)
    {
        using var input = PdfStreams.ReadOnly(pdf);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        // PDFsharp's own Flate output lacks the zlib Adler-32 trailer: it must compress nothing.
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        ReproducibleOutput.Prepare(document);
        PdfStreams.Compress(document);
        return Save(document, signingTime, reason, location, seed ?? pdf.ToArray());
    }

    /// <summary>
    /// Signs a document rendered in this process, in its one save: no draft is written and read back
    /// (<see cref="PdfStreams.PrepareForSingleSave"/>). The document cannot be saved again afterwards.
    /// </summary>
    internal byte[] Sign(PdfDocument document, DateTimeOffset signingTime, string? reason, string? location, byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(document);
        PdfStreams.PrepareForSingleSave(document);
        return Save(document, signingTime, reason, location, seed);
    }

    byte[] Save(PdfDocument document, DateTimeOffset signingTime, string? reason, string? location, byte[] seed)
    {
        var output = ScratchStreams.Output();
        var signer = new CadesDetachedSigner(Certificate, output, signingTime, seed, SignatureSize);
        DigitalSignatureHandler.ForDocument(document, signer, new DigitalSignatureOptions
        {
            Reason = reason ?? "",
            Location = location ?? "",
            AppName = "Consent",
            PageIndex = document.PageCount - 1,
            Rectangle = new XRect(0, 0, 0, 0),
        });
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}
