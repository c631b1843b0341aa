using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Consent.Records.Tests.Support;

/// <summary>Signing certificates shared by the tests (made once per run).</summary>
static class Certificates
{
    public static X509Certificate2 Ecdsa { get; } =
        SigningCertificates.Load(SigningCertificates.CreateDevelopmentCertificate("Riverside Interventional Psychiatry records (development)"), null);

    public static X509Certificate2 Rsa { get; } = CreateRsa("CN=Riverside records RSA test");

    public static X509Certificate2 Other { get; } =
        SigningCertificates.Load(SigningCertificates.CreateDevelopmentCertificate("Someone else"), null);

    static X509Certificate2 CreateRsa(string subject)
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}
