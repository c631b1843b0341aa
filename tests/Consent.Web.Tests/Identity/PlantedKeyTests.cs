using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// An outside attack as the runtime role (<c>consent_app</c>), which may write
/// <c>data_protection_keys</c>: it plants a Data Protection key whose secret it knows, readable or
/// encrypted to the key-encryption certificate's public key (public, so anyone can), and mints a
/// bearer token with it for a real admin. After a restart the service must not use any such key.
/// </summary>
public sealed class PlantedKeyTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string Purpose = "Consent.Tests.EarlierData";

    [Fact]
    public async Task KeysPlantedByTheRuntimeRole_AreRefusedAfterARestart_AndTheLogNamesEachRow()
    {
        var victim = await factory.CreateStaffAsync("victim.admin@example.org", StaffRoles.Admin);
        Assert.False(string.IsNullOrEmpty(await factory.LoginAsync("victim.admin@example.org", ProductionFactory.Password)));
        var stamp = await ScalarAsync<string>("SELECT security_stamp FROM \"AspNetUsers\" WHERE id = @id", victim);
        using var publicCertificate = X509CertificateLoader.LoadCertificate(TestKeyEncryptionCertificate.Load().RawData);
        Assert.False(publicCertificate.HasPrivateKey);

        using var readable = ForgedKey.Make();
        using var encrypted = ForgedKey.Make();
        using var replacing = ForgedKey.Make();
        long[] rows =
        [
            await InsertAsync("planted readable", readable.Xml),
            await InsertAsync("planted encrypted", encrypted.EncryptedTo(publicCertificate)),
            await ReplaceOneOfTheServicesRowsAsync(replacing.EncryptedTo(publicCertificate)),
        ];

        var logs = new ConcurrentQueue<string>();
        await using var restarted = factory.Restarted(logs);
        using var client = restarted.CreateClient();
        foreach (var forged in new[] { readable, encrypted, replacing })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged.MintBearerToken(victim, stamp));
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/admin/users")).StatusCode);
        }

        foreach (var row in rows)
        {
            Assert.Contains(logs, line => line.Contains("AUDIT ALERT", StringComparison.Ordinal) && line.Contains($"data_protection_keys row {row} ", StringComparison.Ordinal));
        }

        // Refused, never quietly made respectable: the planted readable key is still there as planted, for the investigation.
        Assert.Equal(readable.Xml, await ScalarAsync<string>("SELECT xml FROM data_protection_keys WHERE id = @id", rows[0]));

        // The investigation over, the operator deletes the planted rows (the other test upgrades this database).
        await using var connection = await factory.OpenDatabaseAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM data_protection_keys WHERE id = ANY(@ids)", connection);
        delete.Parameters.AddWithValue("ids", rows);
        Assert.Equal(3, await delete.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task AKeyAnEarlierVersionLeftReadable_IsRefusedAtStart_UntilTheOperatorEncryptsIt_ThenWhatItProtectedOpens()
    {
        using var earlier = ForgedKey.Make();
        var protectedEarlier = earlier.Protect(Purpose, "a queued invitation link");
        var row = await InsertAsync("earlier", earlier.Xml);

        var logs = new ConcurrentQueue<string>();
        await using (var restarted = factory.Restarted(logs))
        {
            var protector = restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(protectedEarlier));
        }

        Assert.Contains(logs, line => line.Contains("AUDIT ALERT", StringComparison.Ordinal) && line.Contains($"data_protection_keys row {row} ", StringComparison.Ordinal)
            && line.Contains("encrypt-key-ring", StringComparison.Ordinal));
        Assert.Equal(earlier.Xml, await ScalarAsync<string>("SELECT xml FROM data_protection_keys WHERE id = @id", row));

        var command = await ServiceProcess.RunAsync(CommandEnvironment(), "encrypt-key-ring", "--apply");

        Assert.True(command.ExitCode == 0, command.All);
        Assert.Contains($"row {row} ", command.Output, StringComparison.Ordinal);
        Assert.Contains(earlier.Id.ToString(), command.Output, StringComparison.Ordinal);
        var stored = XElement.Parse(await ScalarAsync<string>("SELECT xml FROM data_protection_keys WHERE id = @id", row));
        Assert.DoesNotContain(stored.Descendants(), e => e.Name.LocalName == "value");
        Assert.Contains(stored.Descendants(), e => e.Name.LocalName == "encryptedSecret");
        await using var upgraded = factory.Restarted();
        Assert.Equal("a queued invitation link", upgraded.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(protectedEarlier));
    }

    private Dictionary<string, string> CommandEnvironment() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__Consent"] = factory.ConnectionString,
        ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        ["Signing__CertificatePath"] = TestSigningCertificate.Path,
        ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
    };

    private async Task<long> InsertAsync(string friendlyName, string xml)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml) RETURNING id", connection);
        insert.Parameters.AddWithValue("name", friendlyName);
        insert.Parameters.AddWithValue("xml", xml);
        return Convert.ToInt64(await insert.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Overwrites the service's own first key row with the forged key, keeping every attribute the
    /// row's root element carried that the forgery lacks (whatever the service marks its rows with).
    /// </summary>
    private async Task<long> ReplaceOneOfTheServicesRowsAsync(string forgedXml)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var read = new NpgsqlCommand("SELECT id, xml FROM data_protection_keys ORDER BY id LIMIT 1", connection);
        long id;
        XElement original;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            id = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            original = XElement.Parse(reader.GetString(1));
        }

        var forged = XElement.Parse(forgedXml);
        foreach (var attribute in original.Attributes().Where(a => forged.Attribute(a.Name) is null))
        {
            forged.SetAttributeValue(attribute.Name, attribute.Value);
        }

        await using var update = new NpgsqlCommand("UPDATE data_protection_keys SET xml = @xml WHERE id = @id", connection);
        update.Parameters.AddWithValue("xml", forged.ToString(SaveOptions.DisableFormatting));
        update.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
        return id;
    }

    private async Task<T> ScalarAsync<T>(string sql, object id)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A Data Protection key the attacker made and so knows, with the service's application name.</summary>
    private sealed class ForgedKey : IDisposable
    {
        private readonly ServiceProvider provider;
        private readonly List<XElement> stored = [];

        private ForgedKey()
        {
            var services = new ServiceCollection();
            services.AddDataProtection().SetApplicationName("Consent");
            services.Configure<KeyManagementOptions>(options => options.XmlRepository = new Capture(stored));
            provider = services.BuildServiceProvider();
        }

        public static ForgedKey Make()
        {
            var key = new ForgedKey();
            _ = key.Protect("make the key", "now");
            Assert.Single(key.stored);
            return key;
        }

        public Guid Id => (Guid)stored[0].Attribute("id")!;

        /// <summary>As the key manager wrote it without an encryptor: the secret in a readable <c>&lt;value&gt;</c>.</summary>
        public string Xml => stored[0].ToString(SaveOptions.DisableFormatting);

        /// <summary>The same key with its secret encrypted as the service's encryptor would, which needs only the certificate's public key.</summary>
        public string EncryptedTo(X509Certificate2 publicCertificate)
        {
            var key = new XElement(stored[0]);
            var encryptor = new CertificateXmlEncryptor(publicCertificate, NullLoggerFactory.Instance);
            foreach (var secret in key.Descendants().Where(e => (bool?)e.Attribute(XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection")) == true).ToList())
            {
                var encrypted = encryptor.Encrypt(new XElement(secret));
                secret.ReplaceWith(new XElement(XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection"),
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
            }

            return key.ToString(SaveOptions.DisableFormatting);
        }

        public string Protect(string purpose, string payload) =>
            provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect(payload);

        /// <summary>A bearer token as AddBearerToken makes one: the account, its current stamp, a passed second factor.</summary>
        public string MintBearerToken(Guid userId, string securityStamp)
        {
            var protector = provider.GetRequiredService<IDataProtectionProvider>()
                .CreateProtector("Microsoft.AspNetCore.Authentication.BearerToken", IdentityConstants.BearerScheme, "BearerToken");
            Claim[] claims =
            [
                new(ClaimTypes.NameIdentifier, userId.ToString()),
                new(ClaimTypes.Name, "victim.admin@example.org"),
                new("AspNet.Identity.SecurityStamp", securityStamp),
                new(Policies.TwoFactorClaim, "true"),
            ];
            var ticket = new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity(claims, IdentityConstants.ApplicationScheme)),
                new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) },
                IdentityConstants.BearerScheme + ":AccessToken");
            return new TicketDataFormat(protector).Protect(ticket);
        }

        public void Dispose() => provider.Dispose();

        private sealed class Capture(List<XElement> into) : IXmlRepository
        {
            public IReadOnlyCollection<XElement> GetAllElements() => [.. into];

            public void StoreElement(XElement element, string friendlyName) => into.Add(element);
        }
    }
}
