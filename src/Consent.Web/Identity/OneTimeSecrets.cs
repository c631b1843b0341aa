using System.Security.Cryptography;
using System.Text;

namespace Consent.Web.Identity;

/// <summary>
/// Random codes a person reads out or types (an enrolment code, a temporary password), and the hash
/// the service keeps of a code instead of the code.
/// </summary>
public static class OneTimeSecrets
{
    /// <summary>Upper-case letters and digits without the look-alikes 0/O, 1/I/L and U/V.</summary>
    private const string Alphabet = "ABCDEFGHJKMNPQRSTWXYZ23456789";

    /// <summary><paramref name="groups"/> groups of four random characters joined by hyphens (about 19 bits a group).</summary>
    public static string New(int groups) =>
        string.Join('-', Enumerable.Range(0, groups).Select(_ => RandomNumberGenerator.GetString(Alphabet, 4)));

    /// <summary>The code as typed, without spaces and hyphens, in upper case.</summary>
    public static string Normalize(string? typed) =>
        string.Concat((typed ?? "").Where(c => c is not (' ' or '-'))).ToUpperInvariant();

    /// <summary>A code of <paramref name="groups"/> groups as <see cref="New"/> writes it, from however it was typed; null when it cannot be one.</summary>
    public static string? AsIssued(string? typed, int groups)
    {
        var code = Normalize(typed);
        return code.Length == groups * 4 && code.All(c => Alphabet.Contains(c, StringComparison.Ordinal))
            ? string.Join('-', code.Chunk(4).Select(group => new string(group)))
            : null;
    }

    /// <summary>SHA-256 (hex) of the normalized code. The codes are random and short-lived, so a fast hash is enough.</summary>
    public static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    /// <summary>Compares a typed code with a kept hash in constant time.</summary>
    public static bool Matches(string? typed, string? hash) =>
        hash is { Length: 64 } && !string.IsNullOrEmpty(typed)
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(typed)), Encoding.ASCII.GetBytes(hash));
}
