using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// An outside attack as the runtime role (<c>consent_app</c>), which must write the identity
/// tables: it set a password hash it knew on a clinician's account and signed in (a clinician
/// needs no second factor, so it could countersign), and inserted role rows. Each account is now
/// sealed with a key only the service holds: such an account signs in as nobody, its live sign-ins
/// end, the log raises an AUDIT ALERT, an admin cannot bless the change by editing the account, and
/// only the operator's <c>repair-staff-account</c> puts it back. In Production.
/// </summary>
public sealed class AccountSealTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string KnownPassword = "attacker-chosen-password-1";

    [Fact]
    public async Task APasswordHashSetInTheDatabase_DoesNotSignIn_AndRaisesAnAuditAlert()
    {
        var id = await factory.CreateStaffAsync("sealed.clinician@example.org", StaffRoles.Clinician);
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("sealed.clinician@example.org", ProductionFactory.Password));

        await ExecuteAsync("UPDATE \"AspNetUsers\" SET password_hash = @hash WHERE id = @id",
            ("hash", new PasswordHasher<StaffUser>().HashPassword(new StaffUser(), KnownPassword)), ("id", id));

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("sealed.clinician@example.org", KnownPassword));
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT", StringComparison.Ordinal) && line.Contains(id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARoleRowInsertedInTheDatabase_GivesNoRole_AndEndsTheAccountsSignIns()
    {
        var id = await factory.CreateStaffAsync("role.planted@example.org", StaffRoles.Clinician);
        using var client = await SignedInClientAsync("role.planted@example.org", ProductionFactory.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/workflows/versions")).StatusCode);

        await InsertRoleAsync(id, StaffRoles.EthicsReviewer);
        factory.Clock.Advance(TimeSpan.FromMinutes(2)); // past the node's cached standing of the account

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/workflows/versions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("role.planted@example.org", ProductionFactory.Password));
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT", StringComparison.Ordinal) && line.Contains(id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAdminCannotBlessAChangeMadeOutside_TheOperatorRepairsTheAccount()
    {
        var adminKey = await factory.CreateStaffWithSecondFactorAsync("seal.admin@example.org", StaffRoles.Admin);
        var id = await factory.CreateStaffAsync("seal.victim@example.org", StaffRoles.Clinician);
        await InsertRoleAsync(id, StaffRoles.Admin);
        using var admin = await SignedInClientAsync("seal.admin@example.org", ProductionFactory.Password, adminKey);

        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == "seal.victim@example.org");
        Assert.True(listed.GetProperty("changedOutsideService").GetBoolean());
        foreach (var change in new Func<Task<HttpResponseMessage>>[]
        {
            () => admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { StaffRoles.Clinician } }),
            () => admin.PostAsync($"/api/v1/admin/users/{id}/password/reset", null),
            () => admin.PostAsync($"/api/v1/admin/users/{id}/two-factor/reset", null),
            () => admin.PostAsync($"/api/v1/admin/users/{id}/reactivate", null),
        })
        {
            using var refused = await change();
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("repair-staff-account", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains(StaffRoles.Admin, await RolesAsync(id)); // left as found, for the investigation

        var repair = await ServiceProcess.RunAsync(Operator(), "repair-staff-account", "seal.victim@example.org", "--roles", StaffRoles.Clinician);
        Assert.True(repair.ExitCode == 0, repair.All);
        Assert.Contains("roles were Admin, Clinician", repair.Output, StringComparison.Ordinal);
        Assert.Equal([StaffRoles.Clinician], await RolesAsync(id));
        var temporary = repair.Output.Split('\n').Single(l => l.Contains("temporary password", StringComparison.Ordinal)).Split(' ')[^1].Trim();
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("seal.victim@example.org", temporary));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("seal.victim@example.org", ProductionFactory.Password));
    }

    /// <summary>
    /// A seal says who wrote a state, not that it is the latest: writing back the departed
    /// employee's row as it was before the deactivation (its old stamp and seal) would bring their
    /// old sign-ins back, unless the seal must also be the latest in the append-only history.
    /// </summary>
    [Fact]
    public async Task AnEarlierSealedStateWrittenBack_DoesNotBringBackADeactivatedAccount()
    {
        var adminKey = await factory.CreateStaffWithSecondFactorAsync("rollback.admin@example.org", StaffRoles.Admin);
        var id = await factory.CreateStaffAsync("rollback.departed@example.org", StaffRoles.Clinician);
        using var departed = await SignedInClientAsync("rollback.departed@example.org", ProductionFactory.Password);
        Assert.Equal(HttpStatusCode.OK, (await departed.GetAsync("/api/v1/sessions")).StatusCode);
        var (stamp, seal) = await StampAndSealAsync(id);

        using (var admin = await SignedInClientAsync("rollback.admin@example.org", ProductionFactory.Password, adminKey))
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await departed.GetAsync("/api/v1/sessions")).StatusCode);
        await ExecuteAsync("UPDATE \"AspNetUsers\" SET deactivated_at = NULL, security_stamp = @stamp, account_seal = @seal WHERE id = @id",
            ("stamp", stamp), ("seal", seal), ("id", id));
        factory.Clock.Advance(TimeSpan.FromMinutes(2)); // past the node's cached standing of the account

        Assert.Equal(HttpStatusCode.Unauthorized, (await departed.GetAsync("/api/v1/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("rollback.departed@example.org", ProductionFactory.Password));
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT", StringComparison.Ordinal) && line.Contains(id.ToString(), StringComparison.Ordinal)
            && line.Contains("an earlier state of the account was written back", StringComparison.Ordinal));
    }

    /// <summary>Identity's default claims factory copied planted claims rows into the sign-in: a second factor nobody passed.</summary>
    [Fact]
    public async Task AClaimPlantedInTheDatabase_DoesNotStandInForASecondFactor()
    {
        var planted = await factory.CreateStaffAsync("claim.auditor@example.org", StaffRoles.Auditor);
        await factory.CreateStaffAsync("role.claim.auditor@example.org", StaffRoles.Auditor);
        await ExecuteAsync("INSERT INTO \"AspNetUserClaims\" (user_id, claim_type, claim_value) VALUES (@id, @type, 'true')",
            ("id", planted), ("type", Policies.TwoFactorClaim));
        await ExecuteAsync("INSERT INTO \"AspNetRoleClaims\" (role_id, claim_type, claim_value) SELECT id, @type, 'true' FROM \"AspNetRoles\" WHERE name = @role",
            ("type", Policies.TwoFactorClaim), ("role", StaffRoles.Auditor));
        try
        {
            foreach (var email in new[] { "claim.auditor@example.org", "role.claim.auditor@example.org" })
            {
                using var auditor = await SignedInClientAsync(email, ProductionFactory.Password);
                Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/sessions")).StatusCode);
                Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/api/v1/exports/records.zip")).StatusCode);
            }
        }
        finally
        {
            await ExecuteAsync("DELETE FROM \"AspNetRoleClaims\" WHERE claim_type = @type", ("type", Policies.TwoFactorClaim));
        }
    }

    /// <summary>Identity finds a role by its normalized name, which no seal covers: swapped, a grant of one role gave another.</summary>
    [Fact]
    public async Task SwappedNormalizedRoleNames_GrantNothing_AndRaiseAnAuditAlert()
    {
        var adminKey = await factory.CreateStaffWithSecondFactorAsync("swap.admin@example.org", StaffRoles.Admin);
        var id = await factory.CreateStaffAsync("swap.target@example.org", StaffRoles.Clinician);
        using var admin = await SignedInClientAsync("swap.admin@example.org", ProductionFactory.Password, adminKey);
        // In three steps: the normalized names are unique.
        const string swap = """
            UPDATE "AspNetRoles" SET normalized_name = 'SWAPPING' WHERE name = 'Auditor';
            UPDATE "AspNetRoles" SET normalized_name = 'AUDITOR' WHERE name = 'EthicsReviewer';
            UPDATE "AspNetRoles" SET normalized_name = 'ETHICSREVIEWER' WHERE name = 'Auditor';
            """;
        await ExecuteAsync(swap, expected: 3);
        try
        {
            using var response = await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { StaffRoles.Clinician, StaffRoles.EthicsReviewer } });
            Assert.False(response.IsSuccessStatusCode);
            Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await ExecuteAsync("""
                UPDATE "AspNetRoles" SET normalized_name = 'SWAPPING' WHERE name = 'Auditor';
                UPDATE "AspNetRoles" SET normalized_name = upper(name) WHERE name = 'EthicsReviewer';
                UPDATE "AspNetRoles" SET normalized_name = upper(name) WHERE name = 'Auditor';
                """, expected: 3);
        }

        Assert.Equal([StaffRoles.Clinician], await RolesAsync(id));
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT: the role row", StringComparison.Ordinal));
    }

    /// <summary>
    /// The check and the save were apart: a field forged before the account was loaded and restored
    /// before it was saved got sealed with the service's own change.
    /// </summary>
    [Fact]
    public async Task AFieldForgedWhileTheServiceLoadsTheAccount_IsNotSealedWithItsChange()
    {
        var id = await factory.CreateStaffAsync("race.clinician@example.org", StaffRoles.Clinician);
        await ExecuteAsync("UPDATE \"AspNetUsers\" SET display_name = 'Dr. Gregory House' WHERE id = @id", ("id", id));
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var loaded = (await users.FindByIdAsync(id.ToString()))!;
        Assert.Equal("Dr. Gregory House", loaded.DisplayName);
        await ExecuteAsync("UPDATE \"AspNetUsers\" SET display_name = 'race.clinician@example.org' WHERE id = @id", ("id", id));

        var saved = await users.UpdateSecurityStampAsync(loaded);

        Assert.False(saved.Succeeded);
        await using var connection = await factory.OpenDatabaseAsync();
        await using var name = new NpgsqlCommand("SELECT display_name FROM \"AspNetUsers\" WHERE id = @id", connection);
        name.Parameters.AddWithValue("id", id);
        Assert.Equal("race.clinician@example.org", await name.ExecuteScalarAsync());
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("race.clinician@example.org", ProductionFactory.Password));
    }

    [Fact]
    public async Task ATemporaryPasswordsExpiryMovedInTheDatabase_DoesNotSignIn()
    {
        var id = await factory.CreateStaffAsync("expiry.moved@example.org", StaffRoles.Clinician);
        string temporary;
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
            temporary = (await scope.ServiceProvider.GetRequiredService<StaffPasswords>().ResetAsync((await users.FindByIdAsync(id.ToString()))!, resetBy: null)).Password;
        }

        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("expiry.moved@example.org", temporary));
        await ExecuteAsync("UPDATE \"AspNetUsers\" SET temporary_password_expires_at = '2036-01-01' WHERE id = @id", ("id", id));

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("expiry.moved@example.org", temporary));
    }

    [Fact]
    public async Task TwoAccountsWithOneEmail_AreRefusedCleanly_NotA500()
    {
        var id = await factory.CreateStaffAsync("twice.named@example.org", StaffRoles.Clinician);
        await ExecuteAsync("""
            INSERT INTO "AspNetUsers" (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email, email_confirmed,
                password_hash, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count, account_seal)
            SELECT gen_random_uuid(), display_name, created_at, 'copy-' || user_name, 'COPY-' || normalized_user_name, email, normalized_email, true,
                password_hash, security_stamp, concurrency_stamp, false, false, true, 0, account_seal
            FROM "AspNetUsers" WHERE id = @id
            """, ("id", id));

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("twice.named@example.org", ProductionFactory.Password));
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT: more than one staff account has the email", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownCommand_IsRefused_AndDoesNotStartTheService()
    {
        var result = await ServiceProcess.RunAsync(Operator(), "seal-staff-accounts");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command 'seal-staff-accounts'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAccountAnEarlierVersionLeftUnsealed_IsRefused_UntilTheUpgradeCommandSealsIt()
    {
        var id = await factory.CreateStaffAsync("unsealed.earlier@example.org", StaffRoles.Clinician);
        await ExecuteAsync("UPDATE \"AspNetUsers\" SET account_seal = NULL WHERE id = @id", ("id", id));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("unsealed.earlier@example.org", ProductionFactory.Password));

        // Listed first, changing nothing: a planted account would be in the list too.
        var listed = await ServiceProcess.RunAsync(Operator(), "encrypt-key-ring");
        Assert.Contains($"would    staff account {id} (unsealed.earlier@example.org, roles: Clinician, two-factor off): sealed", listed.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", listed.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("unsealed.earlier@example.org", ProductionFactory.Password));

        var command = await ServiceProcess.RunAsync(Operator(), "encrypt-key-ring", "--apply");

        Assert.Contains($"done     staff account {id} (unsealed.earlier@example.org, roles: Clinician, two-factor off): sealed", command.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("unsealed.earlier@example.org", ProductionFactory.Password));
    }

    private Dictionary<string, string> Operator() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__Consent"] = factory.ConnectionString,
        ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        ["Signing__CertificatePath"] = TestSigningCertificate.Path,
        ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
    };

    private async Task<HttpStatusCode> SignInStatusAsync(string email, string password)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        return response.StatusCode;
    }

    private async Task<HttpClient> SignedInClientAsync(string email, string password, string? authenticatorKey = null)
    {
        var client = factory.CreateClient();
        using var login = await client.PostAsJsonAsync("/api/v1/auth/login", new
        {
            email, password, twoFactorCode = authenticatorKey is null ? null : Totp.Code(authenticatorKey, factory.Clock.GetUtcNow()),
        });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    private async Task<(string Stamp, string Seal)> StampAndSealAsync(Guid userId)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("SELECT security_stamp, account_seal FROM \"AspNetUsers\" WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", userId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1));
    }

    private Task InsertRoleAsync(Guid userId, string role) => ExecuteAsync(
        "INSERT INTO \"AspNetUserRoles\" (user_id, role_id) SELECT @id, id FROM \"AspNetRoles\" WHERE name = @role", ("id", userId), ("role", role));

    private async Task<List<string>> RolesAsync(Guid userId)
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        return [.. (await users.GetRolesAsync((await users.FindByIdAsync(userId.ToString()))!)).Order(StringComparer.Ordinal)];
    }

    private Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => ExecuteAsync(sql, 1, parameters);

    private async Task ExecuteAsync(string sql, int expected, params (string Name, object Value)[] parameters)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(expected, await command.ExecuteNonQueryAsync());
    }
}
