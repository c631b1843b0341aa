using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Consent.Records.Signing;
using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Signing;

/// <summary>The CMS inside a record: algorithms, signed attributes, ECDSA and RSA keys.</summary>
public sealed class RecordSignerTests
{
    [Fact]
    public void Rsa_certificates_sign_valid_records()
    {
        var pdf = ConsentRecordPdf.RenderSigned(SampleRecords.Full("en", RecordKind.DeclinedSummary), new RecordSigner(Certificates.Rsa));

        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", ExternalTool.TempFile(pdf)).All, StringComparison.Ordinal);
        var verification = RecordVerifier.Verify(pdf, Certificates.Rsa);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(RecordKind.DeclinedSummary, verification.Kind);
    }

    [Fact]
    public void The_cms_has_sha256_and_the_pades_signed_attributes_but_no_signing_time()
    {
        var signer = new CadesDetachedSigner(Certificates.Ecdsa, new MemoryStream(), DateTimeOffset.UnixEpoch);
        var cms = new SignedCms(new ContentInfo("record bytes"u8.ToArray()), detached: true);
        cms.Decode(signer.Sign("record bytes"u8.ToArray()));
        cms.CheckSignature(verifySignatureOnly: true);

        var info = Assert.Single(cms.SignerInfos.Cast<SignerInfo>());
        Assert.Equal("2.16.840.1.101.3.4.2.1", info.DigestAlgorithm.Value);
        Assert.Equal("1.2.840.10045.4.3.2", info.SignatureAlgorithm.Value); // ecdsa-with-SHA256
        var attributes = info.SignedAttributes.Cast<System.Security.Cryptography.CryptographicAttributeObject>().Select(a => a.Oid.Value).ToList();
        Assert.Contains("1.2.840.113549.1.9.3", attributes);  // content-type
        Assert.Contains("1.2.840.113549.1.9.4", attributes);  // message-digest
        Assert.Contains(SigningCertificateV2.Oid, attributes); // signing-certificate-v2
        Assert.DoesNotContain("1.2.840.113549.1.9.5", attributes); // signing-time lives in /M
        Assert.Equal(Certificates.Ecdsa.RawData, info.Certificate!.RawData);
    }

    [Fact]
    public void Signing_certificate_v2_names_the_certificate_by_sha256_and_issuer_serial()
    {
        var der = SigningCertificateV2.Encode(Certificates.Ecdsa);
        var hash = Assert.Single(SigningCertificateV2.ReadCertificateHashes(der));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Certificates.Ecdsa.RawData), hash);
    }

    [Fact]
    public void Development_certificates_are_p256_with_signing_key_usage_for_five_years()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var cert = SigningCertificates.Load(SigningCertificates.CreateDevelopmentCertificate("Test Clinic", "pw", clock), "pw");
        Assert.Equal("CN=Test Clinic", cert.Subject);
        Assert.Equal(256, cert.GetECDsaPublicKey()!.KeySize);
        var usage = cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages;
        Assert.True(usage.HasFlag(X509KeyUsageFlags.DigitalSignature));
        Assert.True(usage.HasFlag(X509KeyUsageFlags.NonRepudiation));
        Assert.Equal(2031, cert.NotAfter.ToUniversalTime().Year);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", SigningCertificates.ExportPublicPem(cert), StringComparison.Ordinal);
    }

    [Fact]
    public void Certificates_load_from_a_pkcs12_file()
    {
        var path = ExternalTool.TempFile(SigningCertificates.CreateDevelopmentCertificate("File Clinic", "secret"), ".pfx");
        using var cert = SigningCertificates.Load(path, "secret");
        Assert.True(cert.HasPrivateKey);
    }

    [Fact]
    public void A_certificate_without_private_key_is_refused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(Certificates.Ecdsa.RawData);
        Assert.Throws<ArgumentException>(() => new RecordSigner(publicOnly));
    }
}
