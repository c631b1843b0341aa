using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Consent.Records.Signing;

/// <summary>
/// The ESS signing-certificate-v2 attribute (RFC 5035), which binds the signer's certificate into
/// the signed attributes as PAdES baseline signatures require.
/// </summary>
static class SigningCertificateV2
{
    public const string Oid = "1.2.840.113549.1.9.16.2.47";

    /// <summary>
    /// DER of SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, with one
    /// ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial }. The hash
    /// algorithm is SHA-256, the DEFAULT, so DER leaves it out.
    /// </summary>
    public static byte[] Encode(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteOctetString(SHA256.HashData(certificate.RawData));
            using (writer.PushSequence())
            {
                // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
                using (writer.PushSequence())
                {
                    // GeneralName directoryName [4] EXPLICIT Name
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                    {
                        writer.WriteEncodedValue(certificate.IssuerName.RawData);
                    }
                }

                writer.WriteInteger(certificate.SerialNumberBytes.Span);
            }
        }

        return writer.Encode();
    }

    /// <summary>Reads the certificate hashes out of the attribute value; empty when it does not parse.</summary>
    public static IReadOnlyList<byte[]> ReadCertificateHashes(ReadOnlyMemory<byte> der)
    {
        var hashes = new List<byte[]>();
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var certs = outer.ReadSequence();
            while (certs.HasData)
            {
                var id = certs.ReadSequence();
                if (id.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
                {
                    id.ReadSequence(); // a non-default hash algorithm: not ours, still read the hash
                }

                hashes.Add(id.ReadOctetString());
            }
        }
        catch (AsnContentException)
        {
            return [];
        }

        return hashes;
    }
}
