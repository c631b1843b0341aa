using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 2: the key ring is encrypted at rest with a certificate from outside the
/// database, and outside Development the service will not start without it. (Keys an earlier
/// version stored readable are refused at start and encrypted by the operator's command:
/// <see cref="PlantedKeyTests"/>.)
/// </summary>
public sealed class KeyRingEncryptionTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task OutsideDevelopment_WithoutAKeyEncryptionCertificate_TheServiceRefusesToStart_AndSaysWhatToSet()
    {
        var result = await ServiceProcess.StartInProductionAsync(factory.ConnectionString,
            new Dictionary<string, string> { ["Signing__CertificatePath"] = TestSigningCertificate.Path });

        ServiceProcess.AssertRefusedToStart(result, "DataProtection__CertificatePath");
    }

    [Fact]
    public async Task CreateKeyEncryptionCertificate_WritesAnRsaCertificateOnce()
    {
        var file = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"), "keys.pfx");

        var first = await ServiceProcess.RunAsync(null, "create-key-encryption-certificate", file, "--subject", "Example Clinic keys");
        var again = await ServiceProcess.RunAsync(null, "create-key-encryption-certificate", file);

        Assert.True(first.ExitCode == 0, first.All);
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(file, null);
        Assert.Equal("CN=Example Clinic keys", certificate.Subject);
        using var key = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(certificate);
        Assert.NotNull(key);
        Assert.Equal(1, again.ExitCode);
    }
}
