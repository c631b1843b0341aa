using System.Net;
using System.Net.Http.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// The authenticator's shared key is a password's equal: whoever reads it makes every code. It was
/// stored readable in <c>AspNetUserTokens.value</c>, so a backup holder could compute any staff
/// member's second factor. Now it is encrypted under the key-encryption certificate. A readable key
/// is not used (whoever can write the table could plant one of their own): the upgrade command
/// encrypts the keys an earlier version left.
/// </summary>
public sealed class AuthenticatorAtRestTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task TheStoredAuthenticatorKey_IsNotTheSharedKey_AndItsCodesStillSignIn()
    {
        var key = await factory.CreateStaffWithSecondFactorAsync("totp.at.rest@example.org", StaffRoles.Clinician);

        var stored = await StoredTokensAsync("totp.at.rest@example.org");
        Assert.NotEmpty(stored);
        Assert.All(stored, value => Assert.DoesNotContain(key, value, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync("totp.at.rest@example.org", key));
    }

    [Fact]
    public async Task AReadableKey_DoesNotSignIn_UntilTheUpgradeCommandEncryptsIt()
    {
        var key = await factory.CreateStaffWithSecondFactorAsync("totp.earlier@example.org", StaffRoles.Clinician);
        var id = await IdAsync("totp.earlier@example.org");
        await using (var connection = await factory.OpenDatabaseAsync())
        {
            await using var earlier = new NpgsqlCommand("UPDATE \"AspNetUserTokens\" SET value = @key WHERE user_id = @id AND name = 'AuthenticatorKey'", connection);
            earlier.Parameters.AddWithValue("key", key);
            earlier.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await earlier.ExecuteNonQueryAsync());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("totp.earlier@example.org", key));

        var command = await ServiceProcess.RunAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Consent"] = factory.ConnectionString,
            ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
            ["Signing__CertificatePath"] = TestSigningCertificate.Path,
            ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
        }, "encrypt-key-ring", "--apply");

        Assert.True(command.ExitCode == 0, command.All);
        Assert.Contains($"authenticator key of staff account {id}", command.Output, StringComparison.Ordinal);
        Assert.All(await StoredTokensAsync("totp.earlier@example.org"), value => Assert.DoesNotContain(key, value, StringComparison.OrdinalIgnoreCase));
        factory.Clock.Advance(TimeSpan.FromSeconds(30)); // each code signs in once: the next one
        Assert.Equal(HttpStatusCode.OK, await SignInAsync("totp.earlier@example.org", key));
    }

    private async Task<HttpStatusCode> SignInAsync(string email, string key)
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login",
            new { email, password = ProductionFactory.Password, twoFactorCode = Totp.Code(key, factory.Clock.GetUtcNow()) });
        return response.StatusCode;
    }

    private async Task<Guid> IdAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email))!.Id;
    }

    private async Task<List<string>> StoredTokensAsync(string email)
    {
        var id = await IdAsync(email);
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT value FROM \"AspNetUserTokens\" WHERE user_id = @id AND value IS NOT NULL", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
