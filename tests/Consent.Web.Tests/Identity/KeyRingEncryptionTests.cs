using System.Xml.Linq;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 2: the key ring is encrypted at rest with a certificate from outside the
/// database; keys an earlier version stored readable are encrypted at start-up and keep working;
/// outside Development the service will not start without the certificate.
/// </summary>
public sealed class KeyRingEncryptionTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Purpose = "Consent.Tests.EarlierData";

    [Fact]
    public async Task AKeyStoredReadableByAnEarlierVersion_IsEncryptedAtStartUp_AndWhatItProtectedStillOpens()
    {
        var (keyXml, protectedEarlier) = ReadableKeyAsToday("a queued invitation link");
        await using (var connection = await factory.OpenDatabaseAsync())
        {
            await using var insert = new NpgsqlCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ('earlier', @xml)", connection);
            insert.Parameters.AddWithValue("xml", keyXml);
            await insert.ExecuteNonQueryAsync();
        }

        await using var restarted = new SameDatabaseNode(factory.ConnectionString);
        _ = restarted.Server;

        Assert.Equal("a queued invitation link", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(protectedEarlier));
        await using var check = await factory.OpenDatabaseAsync();
        await using var read = new NpgsqlCommand("SELECT xml FROM data_protection_keys WHERE friendly_name = 'earlier'", check);
        var stored = XElement.Parse((string)(await read.ExecuteScalarAsync())!);
        Assert.DoesNotContain(stored.Descendants(), e => e.Name.LocalName == "value");
        Assert.Contains(stored.Descendants(), e => e.Name.LocalName == "encryptedSecret");
    }

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

    /// <summary>A key as the service stored it before this change (no encryptor), and a payload protected with it.</summary>
    private static (string Xml, string Protected) ReadableKeyAsToday(string payload)
    {
        var repository = new CapturingRepository();
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Consent");
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = repository);
        using var provider = services.BuildServiceProvider();
        var protectedPayload = provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect(payload);
        var key = Assert.Single(repository.Stored);
        Assert.Contains(key.Descendants(), e => e.Name.LocalName == "value");
        return (key.ToString(SaveOptions.DisableFormatting), protectedPayload);
    }

    private sealed class CapturingRepository : IXmlRepository
    {
        public List<XElement> Stored { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => [.. Stored];

        public void StoreElement(XElement element, string friendlyName) => Stored.Add(element);
    }

}
