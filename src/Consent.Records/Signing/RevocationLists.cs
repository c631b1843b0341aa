using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Consent.Records;

/// <summary>
/// Certificate revocation lists (RFC 5280, 5.1): where a certificate's issuer publishes them (the CRL distribution
/// points extension, 4.2.1.13), fetching one, and reading one without trusting it: its issuer's signature, its
/// validity window and the serial numbers it revokes. Records embed them as long-term validation data (PAdES B-LT).
/// </summary>
public static class RevocationLists
{
    /// <summary>The largest CRL fetched: a development or small clinic CA's is a few hundred bytes.</summary>
    public const int MaxCrlBytes = 4 * 1024 * 1024;

    /// <summary>The http(s) addresses in a certificate's CRL distribution points; empty when it names none.</summary>
    public static IReadOnlyList<Uri> DistributionPoints(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions["2.5.29.31"];
        if (extension is null)
        {
            return [];
        }

        var addresses = new List<Uri>();
        try
        {
            var points = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (points.HasData)
            {
                var point = points.ReadSequence();
                if (!point.HasData || !point.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    continue;
                }

                var name = point.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                if (!name.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
                {
                    continue;
                }

                var fullName = name.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true));
                while (fullName.HasData)
                {
                    var tag = fullName.PeekTag();
                    if (tag.HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 6)))
                    {
                        var uri = fullName.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6));
                        if (Uri.TryCreate(uri, UriKind.Absolute, out var address) && (address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps))
                        {
                            addresses.Add(address);
                        }
                    }
                    else
                    {
                        fullName.ReadEncodedValue();
                    }
                }
            }
        }
        catch (AsnContentException)
        {
            return [];
        }

        return addresses;
    }

    /// <summary>Fetches the CRL at <paramref name="address"/> (DER, or PEM converted to DER), bounded in size.</summary>
    /// <exception cref="TimestampUnavailableException">It could not be fetched or is not a CRL.</exception>
    public static async Task<byte[]> FetchAsync(HttpClient http, Uri address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(address);
        try
        {
            using var response = await http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TimestampUnavailableException($"The revocation list at {address} answered HTTP {(int)response.StatusCode}.");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxCrlBytes)
                {
                    throw new TimestampUnavailableException($"The revocation list at {address} is larger than {MaxCrlBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            var bytes = buffer.ToArray();
            if (bytes.Length > 0 && bytes[0] == '-')
            {
                var pem = System.Text.Encoding.ASCII.GetString(bytes);
                bytes = PemEncoding.TryFind(pem, out var fields) ? Convert.FromBase64String(pem[fields.Base64Data]) : [];
            }

            if (RevocationList.Read(bytes) is null)
            {
                throw new TimestampUnavailableException($"What {address} answered is not a revocation list.");
            }

            return bytes;
        }
        catch (HttpRequestException e)
        {
            throw new TimestampUnavailableException($"The revocation list at {address} could not be fetched ({e.Message.TrimEnd('.')}).", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimestampUnavailableException($"The revocation list at {address} did not arrive in time.", e);
        }
    }
}

/// <summary>A CRL as read (RFC 5280, 5.1), not yet trusted: check <see cref="IsSignedBy"/>.</summary>
public sealed class RevocationList
{
    byte[] _tbs = [];
    string _algorithm = "";
    byte[] _signature = [];

    /// <summary>The issuer's distinguished name, DER.</summary>
    public byte[] Issuer { get; private init; } = [];

    public DateTimeOffset ThisUpdate { get; private init; }

    public DateTimeOffset? NextUpdate { get; private init; }

    /// <summary>Revoked serial numbers with their revocation times.</summary>
    public IReadOnlyDictionary<BigInteger, DateTimeOffset> Revoked { get; private init; } = new Dictionary<BigInteger, DateTimeOffset>();

    /// <summary>The DER bytes.</summary>
    public byte[] Encoded { get; private init; } = [];

    /// <summary>Reads a DER CRL; null when it is not one.</summary>
    public static RevocationList? Read(byte[] der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER);
            var list = outer.ReadSequence();
            if (outer.HasData)
            {
                return null;
            }

            var tbsBytes = list.PeekEncodedValue().ToArray();
            var tbs = list.ReadSequence();
            var algorithm = list.ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out _);
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger();
            }

            tbs.ReadSequence();
            var issuer = tbs.ReadEncodedValue().ToArray();
            var thisUpdate = ReadTime(tbs);
            DateTimeOffset? nextUpdate = tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime))
                ? ReadTime(tbs) : null;
            var revoked = new Dictionary<BigInteger, DateTimeOffset>();
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    revoked[entry.ReadInteger()] = ReadTime(entry);
                }
            }

            return new RevocationList
            {
                _tbs = tbsBytes, _algorithm = algorithm, _signature = signature,
                Issuer = issuer, ThisUpdate = thisUpdate, NextUpdate = nextUpdate, Revoked = revoked, Encoded = der,
            };
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    /// <summary>The CRL names <paramref name="issuer"/> as its issuer and its signature verifies with that certificate's key.</summary>
    public bool IsSignedBy(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!issuer.SubjectName.RawData.AsSpan().SequenceEqual(Issuer))
        {
            return false;
        }

        HashAlgorithmName? hash = _algorithm switch
        {
            "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
            "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
            "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (hash is not { } h)
        {
            return false;
        }

        try
        {
            if (_algorithm.StartsWith("1.2.840.10045", StringComparison.Ordinal))
            {
                using var ecdsa = issuer.GetECDsaPublicKey();
                return ecdsa is not null && ecdsa.VerifyData(_tbs, _signature, h, DSASignatureFormat.Rfc3279DerSequence);
            }

            using var rsa = issuer.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(_tbs, _signature, h, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The CRL revokes <paramref name="certificate"/> (same issuer, its serial listed).</summary>
    public bool Revokes(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var serial = new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true);
        return certificate.IssuerName.RawData.AsSpan().SequenceEqual(Issuer) && Revoked.ContainsKey(serial);
    }
}
