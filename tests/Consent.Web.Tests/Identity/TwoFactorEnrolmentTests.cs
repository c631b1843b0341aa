using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Enrolling a second factor needs more than the password: the outside review enrolled an
/// authenticator for a new Auditor (and an Admin) knowing only the password an admin chose, took
/// their full reach, and the real user could never sign in again, since no admin could reset it.
/// </summary>
public sealed partial class TwoFactorEnrolmentTests(MailingProductionFactory factory) : IClassFixture<MailingProductionFactory>
{
    private const string Password = ProductionFactory.Password;

    [Fact]
    public async Task ThePasswordAlone_CannotEnrolASecondFactor()
    {
        await factory.CreateStaffAsync("alone.auditor@example.org", StaffRoles.Auditor);
        using var attacker = await StaffAccounts.ClientAsync(factory, "alone.auditor@example.org", Password);

        var bare = await attacker.PostAsync("/api/v1/account/two-factor/setup", null);
        Assert.DoesNotContain("sharedKey", await InputProbe.AssertFieldErrorAsync(bare, "enrolmentCode"), StringComparison.Ordinal);
        await InputProbe.AssertFieldErrorAsync(await attacker.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = "ABCD-EFGH-JKMN" }), "enrolmentCode");
        await InputProbe.AssertFieldErrorAsync(await attacker.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = "123456" }), "code");

        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("alone.auditor@example.org", null));
    }

    [Fact]
    public async Task AnAdminIssuedCode_EnrolsOnce_AndIsLoggedWithoutSecrets()
    {
        using var admin = await AdminAsync("enrol.admin@example.org");
        var id = await StaffAccounts.InviteAsync(admin, "new.auditor@example.org", "New Auditor", "Auditor");
        var accepted = await StaffAccounts.AcceptAsync(factory, id, Password);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var account = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var enrolment = account.GetProperty("twoFactorEnrolmentCode").GetString()!;
        Assert.Equal(factory.Clock.GetUtcNow().AddHours(72), account.GetProperty("twoFactorEnrolmentCodeExpiresAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(enrolment, await admin.GetStringAsync("/api/v1/admin/users"), StringComparison.Ordinal);

        using var auditor = await StaffAccounts.ClientAsync(factory, "new.auditor@example.org", Password);
        var key = await SetUpAsync(auditor, new { enrolmentCode = enrolment });
        await InputProbe.AssertFieldErrorAsync(await auditor.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment }), "enrolmentCode");
        await InputProbe.AssertFieldErrorAsync(await auditor.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = "000000" }), "code");
        Assert.Equal(HttpStatusCode.NoContent, (await auditor.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("new.auditor@example.org", null));
        using var signedIn = await ClientWithCodeAsync("new.auditor@example.org", key);
        Assert.Equal(HttpStatusCode.Forbidden, (await signedIn.GetAsync("/api/v1/sessions")).StatusCode);

        // The training attestation is the sign-in's first signature: the password and a new code.
        await InputProbe.AssertFieldErrorAsync(await signedIn.PostAsJsonAsync("/api/v1/account/training", new { password = Password }), "code");
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK,
            (await signedIn.PostAsJsonAsync("/api/v1/account/training", new { password = Password, code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/v1/sessions")).StatusCode);

        var lines = factory.LogLines.ToArray();
        Assert.Contains(lines, l => l.Contains("turned on two-factor", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("issued a two-factor enrolment code", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(enrolment, StringComparison.Ordinal) || l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAdmin_ResetsALostSecondFactor_EndingItsSignIns_WithANewCodeShownOnce()
    {
        using var admin = await AdminAsync("reset.admin@example.org");
        var key = await factory.CreateStaffWithSecondFactorAsync("lost.phone.2@example.org", StaffRoles.Auditor);
        using var before = await ClientWithCodeAsync("lost.phone.2@example.org", key);
        var id = (await before.GetFromJsonAsync<JsonElement>("/api/v1/account")).GetProperty("id").GetString();

        var reset = await admin.PostAsync($"/api/v1/admin/users/{id}/two-factor/reset", null);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var view = await reset.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(view.GetProperty("twoFactorEnabled").GetBoolean());
        var enrolment = view.GetProperty("twoFactorEnrolmentCode").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync("/api/v1/account")).StatusCode);
        using var passwordOnly = await StaffAccounts.ClientAsync(factory, "lost.phone.2@example.org", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await passwordOnly.GetAsync("/api/v1/sessions")).StatusCode);
        var newKey = await SetUpAsync(passwordOnly, new { enrolmentCode = enrolment });
        Assert.NotEqual(key, newKey);

        var me = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/account")).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/admin/users/{me}/two-factor/reset", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/admin/users/{Guid.NewGuid()}/two-factor/reset", null)).StatusCode);
        Assert.Contains(factory.LogLines, l => l.Contains("reset the second factor", StringComparison.Ordinal) && l.Contains(id!, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.LogLines, l => l.Contains(enrolment, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASecondFactor_IsReplacedOnlyWithACodeFromTheCurrentOne()
    {
        var key = await factory.CreateStaffWithSecondFactorAsync("replace@example.org", StaffRoles.Auditor);
        using var client = await ClientWithCodeAsync("replace@example.org", key);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));

        await InputProbe.AssertFieldErrorAsync(await client.PostAsync("/api/v1/account/two-factor/setup", null), "code");
        await InputProbe.AssertFieldErrorAsync(await client.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { code = "000000" }), "code");
        var newKey = await SetUpAsync(client, new { code = Totp.Code(key, factory.Clock.GetUtcNow()) });

        // Until the new key is confirmed, the old one still signs in: a key lost half-way locks nobody out.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("replace@example.org", Totp.Code(key, factory.Clock.GetUtcNow())));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(newKey, factory.Clock.GetUtcNow()) })).StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInStatusAsync("replace@example.org", Totp.Code(key, factory.Clock.GetUtcNow())));
        Assert.Equal(HttpStatusCode.OK, await SignInStatusAsync("replace@example.org", Totp.Code(newKey, factory.Clock.GetUtcNow())));
    }

    [Fact]
    public async Task AnEnrolmentCode_ExpiresAfter72Hours()
    {
        using var admin = await AdminAsync("expiry.admin@example.org");
        var id = await StaffAccounts.InviteAsync(admin, "late.auditor@example.org", "Late Auditor", "Auditor");
        var enrolment = (await (await StaffAccounts.AcceptAsync(factory, id, Password)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("twoFactorEnrolmentCode").GetString();

        factory.Clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(1));
        using var late = await StaffAccounts.ClientAsync(factory, "late.auditor@example.org", Password);
        var message = await InputProbe.AssertFieldErrorAsync(await late.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment }), "enrolmentCode");
        Assert.Contains("admin", message, StringComparison.Ordinal);
    }

    /// <summary>The same on the pages: the admin's reset shows the code once; the account page enrols with it.</summary>
    [Fact]
    public async Task ThePages_ResetAndEnrol()
    {
        var adminKey = await factory.CreateStaffWithSecondFactorAsync("page.admin@example.org", StaffRoles.Admin);
        await factory.CreateStaffAsync("page.auditor@example.org", StaffRoles.Auditor);
        using var adminBrowser = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.SignInAsync(adminBrowser, "page.admin@example.org", Password, Totp.Code(adminKey, factory.Clock.GetUtcNow()))).StatusCode);
        var id = (await adminBrowser.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == "page.auditor@example.org").GetProperty("id").GetString()!;

        var reset = await StaffCookies.PostFormAsync(adminBrowser, "/admin/users", "/admin/users?handler=ResetTwoFactor", new Dictionary<string, string> { ["id"] = id });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var enrolment = EnrolmentCode().Match(await reset.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(enrolment);
        Assert.DoesNotContain(enrolment, await adminBrowser.GetStringAsync("/admin/users"), StringComparison.Ordinal);

        using var browser = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.SignInAsync(browser, "page.auditor@example.org", Password)).StatusCode);
        var setup = await StaffCookies.PostFormAsync(browser, "/account", "/account?handler=TwoFactorSetup", new Dictionary<string, string> { ["EnrolmentCode"] = enrolment });
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        var key = SharedKey().Match(await setup.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(key);
        var enabled = await StaffCookies.PostFormAsync(browser, "/account", "/account?handler=TwoFactorEnable", new Dictionary<string, string> { ["Code"] = Totp.Code(key, factory.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        using var again = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await StaffCookies.SignInAsync(again, "page.auditor@example.org", Password, Totp.Code(key, factory.Clock.GetUtcNow()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/audit")).StatusCode);
    }

    /// <summary>An admin with a second factor, signed in with the current code.</summary>
    private async Task<HttpClient> AdminAsync(string email) =>
        await ClientWithCodeAsync(email, await factory.CreateStaffWithSecondFactorAsync(email, StaffRoles.Admin));

    private Task<HttpClient> ClientWithCodeAsync(string email, string key) =>
        StaffAccounts.ClientWithCodeAsync(factory, email, Password, Totp.Code(key, factory.Clock.GetUtcNow()));

    private static async Task<string> SetUpAsync(HttpClient client, object body)
    {
        var setup = await client.PostAsJsonAsync("/api/v1/account/two-factor/setup", body);
        Assert.True(setup.StatusCode == HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        return (await setup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sharedKey").GetString()!;
    }

    private async Task<HttpStatusCode> SignInStatusAsync(string email, string? code)
    {
        using var client = factory.CreateClient();
        return (await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password, twoFactorCode = code })).StatusCode;
    }

    [GeneratedRegex("data-enrolment-code=\"([^\"]+)\"")]
    private static partial Regex EnrolmentCode();

    [GeneratedRegex("data-shared-key=\"([^\"]+)\"")]
    private static partial Regex SharedKey();
}

/// <summary>
/// The operator's <c>reset-two-factor</c> command, run as the service binary against the service's
/// database (its own fixture: it issues codes by the real clock, which other tests move on).
/// </summary>
public sealed class TwoFactorResetCommandTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    /// <summary>The first admin (made by the operator outside Development) has no admin to ask: the operator's command issues the code.</summary>
    [Fact]
    public async Task TheOperatorsCommand_IssuesAnEnrolmentCode_ForTheFirstAdmin()
    {
        await factory.CreateStaffAsync("first.admin@example.org", StaffRoles.Admin);
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Consent"] = factory.ConnectionString,
            ["Signing__CertificatePath"] = Records.TestSigningCertificate.Path,
            ["DataProtection__CertificatePath"] = TestKeyEncryptionCertificate.Path,
            ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        };

        var unknown = await Records.ServiceProcess.RunAsync(environment, "reset-two-factor", "nobody@example.org");
        Assert.Equal(1, unknown.ExitCode);
        var reset = await Records.ServiceProcess.RunAsync(environment, "reset-two-factor", "first.admin@example.org");
        Assert.True(reset.ExitCode == 0, reset.All);
        // The code is a line of its own (log lines go to the same output, in any order).
        var enrolment = reset.Output.Split('\n').Select(l => l.Trim()).Single(l => Regex.IsMatch(l, "^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$"));

        using var admin = await StaffAccounts.ClientAsync(factory, "first.admin@example.org", ProductionFactory.Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/v1/admin/users")).StatusCode);
        var setup = await admin.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment });
        Assert.True(setup.StatusCode == HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
        var key = (await setup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sharedKey").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);
    }
}
