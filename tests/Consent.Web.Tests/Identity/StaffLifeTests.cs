using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 15, "done when": one staff member's life through the API. Invited, then sets a password; enrols TOTP, then
/// signs the training attestation; countersigns, then changes the password; is deactivated. Each step is on the system
/// audit trail, with who did it, and the chain verifies (21 CFR 11.10(e), 11.10(i), 11.100(c), 11.200(a), 11.300).
/// </summary>
public sealed class StaffLifeTests(ClockedWebFactory factory) : IClassFixture<ClockedWebFactory>
{
    private const string Email = "life.clinician@example.org";
    private const string Password = "a clinician's own password 1";
    private const string NewPassword = "a clinician's newer password 2";

    [Fact]
    public async Task InvitedActivatedEnrolledTrainedCountersignedChangedDeactivated_EachStepOnTheVerifiedSystemChain()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);

        // 1. Invited: no password, nothing signs in yet; then the invitee sets the password with the mailed link.
        var id = await StaffAccounts.InviteAsync(admin, Email, "Dr. Life Clinician", "Clinician");
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = Email, password = Password })).StatusCode);
        var accepted = await StaffAccounts.AcceptAsync(factory, id, Password);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var enrolment = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("twoFactorEnrolmentCode").GetString();

        // 2. Enrols TOTP with the code the invitation gave, signs in again with it, and signs the training attestation:
        //    the sign-in's first signature, so the password alone is refused and the next code is needed.
        using (var first = await StaffAccounts.ClientAsync(factory, Email, Password))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await first.GetAsync("/api/v1/sessions")).StatusCode);
            var key = (await (await first.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment })).Content.ReadFromJsonAsync<JsonElement>())
                .GetProperty("sharedKey").GetString()!;
            Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(key, factory.Clock.GetUtcNow()) })).StatusCode);
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            using var clinician = await SignInAsync(key);
            var passwordOnly = await clinician.PostAsJsonAsync("/api/v1/account/training", new { password = Password });
            Assert.Equal(HttpStatusCode.BadRequest, passwordOnly.StatusCode);
            Assert.Contains("code", await passwordOnly.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            var trained = await clinician.PostAsJsonAsync("/api/v1/account/training", new { password = Password, code = Totp.Code(key, factory.Clock.GetUtcNow()) });
            Assert.Equal(HttpStatusCode.OK, trained.StatusCode);
            Assert.Equal(HttpStatusCode.Conflict, (await clinician.PostAsJsonAsync("/api/v1/account/training", new { password = Password })).StatusCode);

            // 3. Countersigns (a later signature in the same sign-in: the password alone), then changes the password.
            var driver = new PatientDriver(factory, clinician);
            var session = await driver.StartAsync();
            await driver.WalkAsync(await driver.VerifyAsync(session), session);
            var countersigned = await clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign", new { password = Password, statementAccepted = true });
            Assert.True(countersigned.IsSuccessStatusCode, await countersigned.Content.ReadAsStringAsync());
            var changed = await clinician.PostAsJsonAsync("/api/v1/account/password", new { currentPassword = Password, newPassword = NewPassword });
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        // The admin sees when the password last changed and when the attestation was signed.
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
        Assert.False(listed.GetProperty("invited").GetBoolean());
        Assert.Equal(factory.Clock.GetUtcNow(), listed.GetProperty("passwordChangedAt").GetDateTimeOffset(), TimeSpan.FromSeconds(1));
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("trainingAttestedAt").ValueKind);

        // 4. Deactivated.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);

        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.account.deactivated' AND detail->>'account' = @e", id, 1);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var adminId = await Audit.SystemEventRows.StaffIdAsync(factory, Staff.Admin);
        var answer = (await auditor.GetFromJsonAsync<JsonObject>("/api/v1/audit/system-events"))!;
        Assert.True(answer["verified"]!.GetValue<bool>(), answer.ToJsonString());
        var life = answer["events"]!.AsArray().Select(e => e!.AsObject())
            .Where(e => e["actor"]!.GetValue<string>() == id || e["detail"]?["account"]?.GetValue<string>() == id)
            .Select(e => (Type: e["type"]!.GetValue<string>(), Actor: e["actor"]!.GetValue<string>(), What: e["detail"]?["what"]?.GetValue<string>()))
            .Where(e => e.Type != "patient-data.read")
            .ToList();
        Assert.Equal(
        [
            ("staff.account.invited", adminId.ToString("D"), null),
            ("staff.sign-in.failed", "anonymous", null),
            ("staff.account.activated", id, null),
            ("staff.sign-in.succeeded", id, null),
            ("staff.two-factor.enrolled", id, null),
            ("staff.sign-in.succeeded", id, null),
            ("staff.signature.authenticated", id, "training-attestation"),
            ("staff.training.attested", id, null),
            ("staff.signature.authenticated", id, "countersignature"),
            ("staff.password.changed", id, null),
            ("staff.account.deactivated", adminId.ToString("D"), null),
        ], life.Select(e => (e.Type, e.Actor, e.What)));

        // The deactivated account signs in no more, with either password.
        foreach (var password in new[] { Password, NewPassword })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = Email, password })).StatusCode);
        }
    }

    private Task<HttpClient> SignInAsync(string key) =>
        StaffAccounts.ClientWithCodeAsync(factory, Email, Password, Totp.Code(key, factory.Clock.GetUtcNow()));
}
