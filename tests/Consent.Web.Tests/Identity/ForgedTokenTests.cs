using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 2: someone holding a copy of the database (a backup, a DBA) takes the Data
/// Protection key ring from <c>data_protection_keys</c> and mints a bearer token, as
/// <c>AddBearerToken</c> would, for a user id that does not exist, holding every role and a passed
/// second factor.
/// </summary>
public sealed class ForgedTokenTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task TokenMintedFromTheDatabaseKeyXml_ForAMadeUpUser_Is401()
    {
        // A real sign-in first, so the service has made and stored its key ring.
        await factory.CreateStaffAsync("clinician.keys@example.org", StaffRoles.Clinician);
        Assert.False(string.IsNullOrEmpty(await factory.LoginAsync("clinician.keys@example.org", ProductionFactory.Password)));
        var keyRing = await KeyRingAsync();
        Assert.NotEmpty(keyRing);
        var madeUp = Guid.NewGuid();

        // The worst case: the attacker also holds the key-encryption certificate. The token is then
        // well formed, but names nobody the service knows.
        using var certificate = TestKeyEncryptionCertificate.Load();
        var forged = Mint(keyRing, certificate, madeUp);
        Assert.NotNull(forged);
        using var attacker = factory.CreateClient();
        attacker.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        var statuses = new[]
        {
            (await attacker.GetAsync("/api/v1/admin/users")).StatusCode,
            (await attacker.PostAsJsonAsync("/api/v1/admin/users", new
            {
                email = "planted.admin@example.org", displayName = "Planted", password = "planted admin password", roles = new[] { StaffRoles.Admin },
            })).StatusCode,
            (await attacker.GetAsync("/api/v1/exports/records.zip")).StatusCode,
        };
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses);

        // With the database alone, the key ring holds no usable key: no token can be made at all.
        Assert.All(keyRing, key => Assert.DoesNotContain(key.Descendants(), e => e.Name.LocalName == "value"));
        Assert.Null(Mint(keyRing, null, madeUp));
    }

    private async Task<List<XElement>> KeyRingAsync()
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<XElement>();
        while (await reader.ReadAsync())
        {
            keys.Add(XElement.Parse(reader.GetString(0)));
        }

        return keys;
    }

    /// <summary>
    /// A bearer token made outside the service: the stolen key ring, the service's application name,
    /// and the purposes the bearer-token handler protects its tickets with. Null when the key ring
    /// yields no usable key.
    /// </summary>
    private static string? Mint(IReadOnlyList<XElement> keyRing, X509Certificate2? certificate, Guid userId)
    {
        var services = new ServiceCollection();
        var dataProtection = services.AddDataProtection().SetApplicationName("Consent").DisableAutomaticKeyGeneration();
        if (certificate is not null)
        {
            dataProtection.UnprotectKeysWithAnyCertificate(certificate);
        }

        services.Configure<KeyManagementOptions>(options => options.XmlRepository = new StolenKeyRing(keyRing));
        using var provider = services.BuildServiceProvider();
        var protector = provider.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("Microsoft.AspNetCore.Authentication.BearerToken", IdentityConstants.BearerScheme, "BearerToken");
        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, userId.ToString()),
            new(ClaimTypes.Name, "nobody@example.org"),
            new("AspNet.Identity.SecurityStamp", "MADEUPSTAMP"),
            new(Policies.TwoFactorClaim, "true"),
            .. StaffRoles.All.Select(role => new Claim(ClaimTypes.Role, role)),
        ];
        var ticket = new AuthenticationTicket(
            new ClaimsPrincipal(new ClaimsIdentity(claims, IdentityConstants.ApplicationScheme)),
            new AuthenticationProperties { ExpiresUtc = DateTimeOffset.UtcNow.AddHours(1) },
            IdentityConstants.BearerScheme + ":AccessToken");
        try
        {
            return new TicketDataFormat(protector).Protect(ticket);
        }
        catch (Exception e) when (e is CryptographicException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed class StolenKeyRing(IReadOnlyList<XElement> keys) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => [.. keys.Select(k => new XElement(k))];

        public void StoreElement(XElement element, string friendlyName) => throw new InvalidOperationException("The attacker's copy is read-only.");
    }
}
