using System.Security.Cryptography;
using System.Text;

namespace Consent.Web.Identity;

/// <summary>
/// Encrypts what Identity keeps in <c>AspNetUserTokens</c> (the authenticator's shared key, a key
/// waiting for confirmation) under a key derived from the key-encryption certificate, so that a
/// backup holder or a DBA cannot compute anyone's second factor.
/// </summary>
/// <remarks>
/// AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce; the account, provider and token name
/// are the associated data, so a value copied to another account or token does not open. Stored
/// as <c>v1.keyId.base64url(nonce ‖ ciphertext ‖ tag)</c>; the key id names the certificate
/// (<see cref="CertificateKeys"/>), so values made before a rotation still open with
/// <c>DataProtection:PreviousCertificatePath</c>. A value without that form is not used: an earlier
/// version stored keys readable, and anyone who can write the table could store a key of their own
/// choosing that way and make the codes for a password they had learned. <c>encrypt-key-ring</c>,
/// run once after the upgrade, encrypts the keys an earlier version left.
/// </remarks>
public sealed class AuthenticatorSecrets(KeyEncryption certificates)
{
    private const string Label = "Consent user tokens v1";
    /// <summary>How an encrypted value begins; base32 keys and recovery codes never do.</summary>
    public const string Prefix = "v1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly (string Id, byte[] Key)[] keys = CertificateKeys.For(certificates, Label);

    /// <summary>Whether a stored value is readable (left by an earlier version) rather than encrypted.</summary>
    public static bool IsReadable(string stored) => !stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Protect(Guid userId, string loginProvider, string name, string value)
    {
        var plain = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys[0].Key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Associated(userId, loginProvider, name));
        return $"{Prefix}{keys[0].Id}.{Convert.ToBase64String(sealedBytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')}";
    }

    /// <summary>The value; null when it does not open (readable, another certificate's, or changed).</summary>
    public string? Unprotect(Guid userId, string loginProvider, string name, string stored)
    {
        if (IsReadable(stored))
        {
            return null;
        }

        var parts = stored.Split('.');
        var key = keys.FirstOrDefault(k => parts.Length == 3 && string.Equals(k.Id, parts[1], StringComparison.Ordinal)).Key;
        if (key is null || FromBase64Url(parts[2]) is not { Length: >= NonceSize + TagSize } sealedBytes)
        {
            return null;
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain,
                Associated(userId, loginProvider, name));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Associated(Guid userId, string loginProvider, string name) => Encoding.UTF8.GetBytes($"{userId:D}\n{loginProvider}\n{name}");

    private static byte[]? FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        try
        {
            return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
