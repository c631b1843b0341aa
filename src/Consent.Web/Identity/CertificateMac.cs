using System.Security.Cryptography;
using System.Text;

namespace Consent.Web.Identity;

/// <summary>
/// One kind of seal: an HMAC-SHA256 (RFC 2104) over some content, under the key derived for one use
/// (<paramref name="label"/>) from each configured key-encryption certificate
/// (<see cref="CertificateKeys"/>), stored as <c>keyId:hex</c>. Made with the current certificate's
/// key; checked with whichever configured certificate's key the id names, so what was sealed before a
/// rotation still checks. The key-ring rows, staff accounts and ethics decisions are sealed this way.
/// </summary>
public sealed class CertificateMac(KeyEncryption certificates, string label)
{
    private readonly (string Id, byte[] Key)[] keys = CertificateKeys.For(certificates, label);

    /// <summary>A time cut to whole seconds, for a sealed time: PostgreSQL keeps microseconds and .NET ticks, so the stored value must be the sealed one.</summary>
    public static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), time.Offset);

    /// <summary>The seal of <paramref name="content"/>, made with the current certificate's key.</summary>
    public string Seal(string content) => $"{keys[0].Id}:{Compute(keys[0].Key, content)}";

    /// <summary>What <paramref name="seal"/> says about <paramref name="content"/>: missing, made by a key not held, not matching, or holding.</summary>
    public SealState Check(string? seal, string content)
    {
        if (string.IsNullOrEmpty(seal))
        {
            return SealState.Missing;
        }

        var parts = seal.Split(':');
        var key = keys.FirstOrDefault(k => parts.Length == 2 && string.Equals(k.Id, parts[0], StringComparison.Ordinal)).Key;
        if (key is null)
        {
            return SealState.UnknownKey;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(key, content)), Encoding.ASCII.GetBytes(parts[1]))
            ? SealState.Holds : SealState.Mismatch;
    }

    private static string Compute(byte[] key, string content) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(content)));
}
