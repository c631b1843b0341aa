using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// A key-encryption certificate (RSA, as XML encryption needs) for test hosts that run outside
/// Development, where the Data Protection key ring must be encrypted with one.
/// </summary>
public static class TestKeyEncryptionCertificate
{
    private static readonly Lazy<string> File = new(() =>
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"), "key-encryption.pfx");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Consent test key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        System.IO.File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    });

    /// <summary>The PKCS#12 file (no password), created on first use.</summary>
    public static string Path => File.Value;

    public static X509Certificate2 Load() => X509CertificateLoader.LoadPkcs12FromFile(Path, null);
}
