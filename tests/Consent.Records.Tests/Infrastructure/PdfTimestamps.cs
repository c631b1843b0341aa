using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;
using System.Text.RegularExpressions;

namespace Consent.Records.Tests.Infrastructure;

/// <summary>
/// Finds a PDF's signatures straight from its bytes (each /ByteRange and the /Contents it leaves out) and takes the
/// RFC 3161 tokens out of them, so a verifier we did not write (<c>openssl ts -verify</c>) can check them.
/// </summary>
static partial class PdfTimestamps
{
    /// <summary>Each signature's byte range and its /Contents DER (padding dropped), in file order.</summary>
    public static List<(long[] Range, byte[] Contents)> Signatures(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var found = new List<(long[], byte[])>();
        foreach (Match m in ByteRange().Matches(text))
        {
            var range = new[] { long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), long.Parse(m.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture) };
            var hex = text.Substring((int)range[1] + 1, (int)(range[2] - range[1] - 2));
            var raw = Convert.FromHexString(hex);
            AsnDecoder.ReadEncodedValue(raw, AsnEncodingRules.BER, out _, out _, out var length);
            found.Add((range, raw[..length]));
        }

        return found;
    }

    /// <summary>The signature time-stamp token in the first signature's unsigned attributes, and the SHA-256 it must cover (of the signature value).</summary>
    public static (byte[] Token, byte[] Imprint)? SignatureTimestamp(byte[] pdf)
    {
        var cms = new SignedCms();
        cms.Decode(Signatures(pdf)[0].Contents);
        var signer = cms.SignerInfos[0];
        var attribute = signer.UnsignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(a => a.Oid.Value == "1.2.840.113549.1.9.16.2.14");
        return attribute is null ? null : (attribute.Values[0].RawData, SHA256.HashData(signer.GetSignature()));
    }

    /// <summary>The document time-stamps (signatures whose /Contents is a time-stamp token), each with the SHA-256 of what its byte range covers.</summary>
    public static List<(byte[] Token, byte[] Imprint)> DocumentTimestamps(byte[] pdf) =>
        [.. Signatures(pdf).Skip(1).Select(s => (s.Contents, Digest(pdf, s.Range)))];

    static byte[] Digest(byte[] pdf, long[] range)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(pdf, 0, (int)range[1]);
        hash.AppendData(pdf, (int)range[2], (int)range[3]);
        return hash.GetHashAndReset();
    }

    /// <summary><c>openssl ts -verify</c> of a token over a SHA-256 imprint, trusting <paramref name="caPem"/> and taking the TSA certificate from <paramref name="tsaPem"/>.</summary>
    public static ExternalTool.Result OpensslVerify(byte[] token, byte[] imprint, string caPem, string tsaPem) =>
        ExternalTool.Run("openssl", "ts", "-verify", "-token_in", "-in", ExternalTool.TempFile(token, ".tst"), "-digest", Convert.ToHexStringLower(imprint),
            "-sha256", "-CAfile", caPem, "-untrusted", tsaPem);

    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRange();
}
