using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// 21 CFR 11.200(a)(1)(i): the first signing in a continuous session uses every component (the password and, when
/// one is enrolled, the authenticator code); later signings in the same session use the password. Countersignatures
/// and ethics decisions both follow it; a refused signature records nothing.
/// </summary>
public sealed class FirstSignatureTests(ClockedWebFactory factory) : IClassFixture<ClockedWebFactory>
{
    private const string Password = "a signer's own password 1";

    [Fact]
    public async Task Countersigning_TheFirstSignatureNeedsTheCode_TheNextThePasswordAlone()
    {
        const string email = "first.countersigner@example.org";
        var key = await EnrolledAndTrainedAsync(email, "Clinician");
        using var clinician = await SignInAsync(email, key);
        var driver = new PatientDriver(factory, clinician);
        var first = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(first), first);
        var second = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(second), second);

        // The password alone, or with a wrong code: a 400 naming the code, and the session still waits.
        var passwordOnly = await clinician.PostAsJsonAsync($"/api/v1/sessions/{first.Id}/countersign", new { password = Password, statementAccepted = true });
        Assert.Equal(HttpStatusCode.BadRequest, passwordOnly.StatusCode);
        Assert.Contains("code", await passwordOnly.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrongCode = await clinician.PostAsJsonAsync($"/api/v1/sessions/{first.Id}/countersign", new { password = Password, statementAccepted = true, code = "000000" });
        Assert.Equal(HttpStatusCode.BadRequest, wrongCode.StatusCode);
        Assert.Equal(0, await CountersignaturesAsync(first.Id));

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var signed = await clinician.PostAsJsonAsync($"/api/v1/sessions/{first.Id}/countersign",
            new { password = Password, statementAccepted = true, code = Totp.Code(key, factory.Clock.GetUtcNow()) });
        Assert.True(signed.IsSuccessStatusCode, await signed.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountersignaturesAsync(first.Id));

        // The second signing in the same sign-in: the password alone.
        var later = await clinician.PostAsJsonAsync($"/api/v1/sessions/{second.Id}/countersign", new { password = Password, statementAccepted = true });
        Assert.True(later.IsSuccessStatusCode, await later.Content.ReadAsStringAsync());
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.signature.authenticated' AND detail->>'what' = 'countersignature' AND actor_email = @e", email, 2);
    }

    [Fact]
    public async Task AnEthicsDecision_IsASignature_TheFirstInASignInNeedsTheCode()
    {
        const string email = "first.reviewer@example.org";
        var key = await EnrolledAndTrainedAsync(email, "EthicsReviewer");
        using var reviewer = await SignInAsync(email, key);
        const string path = "/api/v1/workflows/ketamine-chronic-pain/versions/1/retire";

        var passwordOnly = await reviewer.PostAsJsonAsync(path, new { comment = "Superseded by the clinic's newer form.", password = Password });
        Assert.Equal(HttpStatusCode.BadRequest, passwordOnly.StatusCode);
        Assert.Contains("code", await passwordOnly.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Approved", (await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/ketamine-chronic-pain/versions/1")).GetProperty("approval").GetString());

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var retired = await reviewer.PostAsJsonAsync(path,
            new { comment = "Superseded by the clinic's newer form.", password = Password, code = Totp.Code(key, factory.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        var signature = (await retired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signature");
        Assert.Equal("Retired", signature.GetProperty("meaning").GetString());
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.signature.authenticated' AND detail->>'what' = 'workflow-decision' AND actor_email = @e", email, 1);
    }

    /// <summary>Invites the account, sets its password from the link, enrols an authenticator with the invitation's code and signs the training attestation; returns the authenticator key.</summary>
    private async Task<string> EnrolledAndTrainedAsync(string email, string role)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, email, null, role);
        var accepted = await StaffAccounts.AcceptAsync(factory, id, Password);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var enrolment = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("twoFactorEnrolmentCode").GetString();
        string key;
        using (var first = await StaffAccounts.ClientAsync(factory, email, Password))
        {
            key = (await (await first.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment })).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("sharedKey").GetString()!;
            Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);
        }

        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        using var trained = await SignInAsync(email, key);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await trained.PostAsJsonAsync("/api/v1/account/training", new { password = Password, code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(30));
        return key;
    }

    /// <summary>A new sign-in with the password and the current code: its first signature is still to come.</summary>
    private Task<HttpClient> SignInAsync(string email, string key) =>
        StaffAccounts.ClientWithCodeAsync(factory, email, Password, Totp.Code(key, factory.Clock.GetUtcNow()));

    private async Task<long> CountersignaturesAsync(Guid session)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM consent_events WHERE session_id = $1 AND type = 'ClinicianCountersigned'", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = session });
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
