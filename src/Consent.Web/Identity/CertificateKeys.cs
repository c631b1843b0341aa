using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Consent.Web.Identity;

/// <summary>
/// Secret keys derived from a key-encryption certificate's RSA private key, one per use, for what
/// only the service may make or read although it is stored in the database.
/// </summary>
/// <remarks>
/// The certificate's public half is public: anyone can encrypt to it, so encryption alone proves
/// nothing about who wrote a row. A key derived from the private key does. It is SHA-256 of the
/// RSASSA-PKCS1-v1_5 SHA-256 signature (RFC 8017 §8.2) over the use's label: that scheme is
/// deterministic, so every node and every restart derives the same key, and without the private
/// key nobody can. A key is named by the first 16 hex digits of its certificate's SHA-256
/// thumbprint, so after a rotation what the previous certificate made is still recognised.
/// </remarks>
public static class CertificateKeys
{
    /// <summary>The id of the keys derived from <paramref name="certificate"/>.</summary>
    public static string Id(X509Certificate2 certificate) =>
        certificate.GetCertHashString(HashAlgorithmName.SHA256)[..16].ToLowerInvariant();

    /// <summary>(id, 256-bit key) for <paramref name="label"/>, for each configured certificate, the current one first.</summary>
    public static (string Id, byte[] Key)[] For(KeyEncryption certificates, string label) =>
        [.. certificates.All.Select(c => (Id(c), Derive(c, label)))];

    private static byte[] Derive(X509Certificate2 certificate, string label)
    {
        using var rsa = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The key-encryption certificate has no RSA private key.");
        return SHA256.HashData(rsa.SignData(Encoding.ASCII.GetBytes(label), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
