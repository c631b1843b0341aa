using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Consent.Records.Tests.Infrastructure;

/// <summary>
/// Signing certificates shared by the tests (made once per run). They are valid from the start of
/// 2026, before the sample records' times, whatever day the tests run.
/// </summary>
static class Certificates
{
    static readonly FixedClock Start = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static X509Certificate2 Ecdsa { get; } =
        SigningCertificates.Load(SigningCertificates.CreateDevelopmentCertificate("Riverside Interventional Psychiatry records (development)", clock: Start), null);

    public static X509Certificate2 Rsa { get; } = CreateRsa("CN=Riverside records RSA test");

    public static X509Certificate2 Other { get; } =
        SigningCertificates.Load(SigningCertificates.CreateDevelopmentCertificate("Someone else", clock: Start), null);

    static X509Certificate2 CreateRsa(string subject)
    {
        using var key = RSA.Create(3072);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyCertSign, true));
        using var cert = request.CreateSelfSigned(Start.GetUtcNow(), Start.GetUtcNow().AddYears(10));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>A clock that always says the same time.</summary>
sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
