using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Mail;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// The emailed one-time links (21 CFR 11.300(b), 11.200(a)(3)): an invitation works for 72 hours and a re-sent one
/// voids the one before; a password reset link works for one hour, once, and a newer request voids the older link;
/// a reset ends the account's other sign-ins and mails the account that its password changed.
/// </summary>
public sealed class StaffLinkTests(ClockedWebFactory factory) : IClassFixture<ClockedWebFactory>
{
    private const string Password = "a reviewer's first password 1";
    private const string NewPassword = "a reviewer's reset password 2";

    [Fact]
    public async Task Forgot_AnUnknownEmail_IsAnsweredAlike_AndQueuesNoMail()
    {
        using var anonymous = factory.CreateClient();
        var before = await StaffMailJobsAsync();

        var answer = await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "nobody.here@example.org" });

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal(before, await StaffMailJobsAsync());
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.password.reset-requested' AND detail->>'emailTried' = @e AND detail->>'sent' = 'false'", "nobody.here@example.org", 1);
    }

    [Fact]
    public async Task Forgot_WithoutAnEmail_IsA400()
    {
        using var anonymous = factory.CreateClient();
        var answer = await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = "" });
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("email", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_TheNewerLinkVoidsTheOlder_WorksOnce_EndsOtherSignIns_AndMailsANotice()
    {
        const string email = "reset.reviewer@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "EthicsReviewer");
        using var signedIn = await StaffAccounts.ClientAsync(factory, email, Password);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/v1/account")).StatusCode);
        using var anonymous = factory.CreateClient();

        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
        var first = await StaffAccounts.LinkAsync(factory, id);

        // Asked again at once (by the holder who is impatient, or by anyone who knows the email, over and over): answered
        // alike, but no second mail and no new link, so the first still works and the mailbox is not flooded.
        var mailsBefore = (await StaffMailPayloadsAsync(id)).Count;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
        }

        Assert.Equal(first, await StaffAccounts.LinkAsync(factory, id));
        Assert.Equal(mailsBefore, (await StaffMailPayloadsAsync(id)).Count);
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.password.reset-requested' AND detail->>'account' = @e AND detail->>'sent' = 'false' AND detail->>'withheld' IS NOT NULL", id, 3);

        // Once StaffLinks.ResetRepeatInterval has passed, a newer request mails a newer link.
        factory.Clock.Advance(Consent.Web.UseCases.Staff.StaffLinks.ResetRepeatInterval);
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = email.ToUpperInvariant() })).StatusCode);
        var second = await StaffAccounts.LinkAsync(factory, id);
        Assert.NotEqual(first, second);

        // The older link opens nothing, on the page or the API, and changes nothing.
        Assert.Contains("This link does not work", await anonymous.GetStringAsync(new Uri(first).PathAndQuery), StringComparison.Ordinal);
        var voided = await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = first, password = NewPassword });
        Assert.Equal(HttpStatusCode.BadRequest, voided.StatusCode);
        Assert.Contains("token", await voided.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/api/v1/account")).StatusCode);

        // The newer one sets the password, once.
        var reset = await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = second, password = NewPassword });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        var set = await reset.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("password-reset", set.GetProperty("purpose").GetString());
        Assert.Equal(JsonValueKind.Null, set.GetProperty("twoFactorEnrolmentCode").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = second, password = "yet another password 3" })).StatusCode);

        // The sign-in from before the reset has ended; the old password no longer signs in, the new one does.
        Assert.Equal(HttpStatusCode.Unauthorized, (await signedIn.GetAsync("/api/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = NewPassword })).StatusCode);

        // The account is told by mail, and the trail has the request and the reset.
        var notice = (await StaffMailPayloadsAsync(id)).Last();
        Assert.Equal(StaffMail.PasswordChanged, notice["what"]!.GetValue<string>());
        Assert.Null(notice["link"]);
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.password.reset-requested' AND detail->>'account' = @e AND detail->>'sent' = 'true'", id, 2);
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.password.reset-by-link' AND detail->>'account' = @e", id, 1);
    }

    /// <summary>
    /// Reset requests for one account sent at once: each answered 202 alike and one mail sent (an outside attack sent 30
    /// and got one 202 and 29 500s, which told that the email had an account).
    /// </summary>
    [Fact]
    public async Task Reset_RequestsSentAtOnce_AreAnsweredAlike_AndMailOnce()
    {
        const string email = "parallel.reset@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "EthicsReviewer");
        var mailsBefore = (await StaffMailPayloadsAsync(id)).Count;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var anonymous = factory.CreateClient();
            return (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode;
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a));
        Assert.Equal(mailsBefore + 1, (await StaffMailPayloadsAsync(id)).Count);
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.password.reset-requested' AND detail->>'account' = @e", id, 8);
    }

    /// <summary>A link sent several times at once sets one password; the others are told the link no longer works (an outside attack saw "changed outside the service").</summary>
    [Fact]
    public async Task ALinkUsedSeveralTimesAtOnce_SetsOnePassword_AndTheOthersAreToldItWasUsed()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, "raced.invitation@example.org", null, "Clinician");
        var link = await StaffAccounts.LinkAsync(factory, id);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var anonymous = factory.CreateClient();
            using var answer = await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = link, password = $"raced password number {i}" });
            return (answer.StatusCode, Body: await answer.Content.ReadAsStringAsync());
        }));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode);
            Assert.Contains("This link does not work", a.Body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Reset_ALinkAskedForBeforeAPasswordChange_StopsWorking()
    {
        const string email = "changed.reviewer@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "EthicsReviewer");
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
        var link = await StaffAccounts.LinkAsync(factory, id);
        using (var reviewer = await StaffAccounts.ClientAsync(factory, email, Password))
        {
            Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsJsonAsync("/api/v1/account/password", new { currentPassword = Password, newPassword = NewPassword })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = link, password = "someone else's password 9" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = NewPassword })).StatusCode);
    }

    [Fact]
    public async Task Invitation_DeactivatingTheAccountVoidsTheLink_ForGood()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, "invited.then.stopped@example.org", null, "Clinician");
        var link = await StaffAccounts.LinkAsync(factory, id);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/reactivate", null)).StatusCode);

        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = link, password = Password })).StatusCode);
    }

    [Fact]
    public async Task AnInvitedAccount_RefusesSignIn_LikeAnUnknownEmail_WithoutCountingTowardsALockout()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, "pending.invitee@example.org", null, "Clinician");
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "pending.invitee@example.org", password = $"a guess {i}" })).StatusCode);
        }

        // Not locked out: the invitee sets the password and signs in at once.
        Assert.Equal(HttpStatusCode.OK, (await StaffAccounts.AcceptAsync(factory, id, Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "pending.invitee@example.org", password = Password })).StatusCode);
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.sign-in.failed' AND detail->>'reason' = 'invitation-pending' AND detail->>'account' = @e", id, 6);
    }

    [Fact]
    public async Task WhatIsNotAnEmailAddress_IsNotKeptOnTheTrail()
    {
        using var anonymous = factory.CreateClient();
        const string typed = "Tr0ub4dor&3-my-real-password";
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = typed, password = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email = typed + "\u202e" })).StatusCode);

        await Audit.SystemEventRows.WaitForAsync(factory, "type IN ('staff.sign-in.failed', 'staff.password.reset-requested') AND detail->>'emailTried' = @e", "(not an email address)", 2);
        await using var connection = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM system_events WHERE detail::text LIKE '%Tr0ub4dor%'", connection);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Reset_TheLinkRunsOutAfterOneHour()
    {
        const string email = "late.reviewer@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "EthicsReviewer");
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/v1/auth/password/forgot", new { email })).StatusCode);
        var link = await StaffAccounts.LinkAsync(factory, id);

        factory.Clock.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = link, password = NewPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password })).StatusCode);
    }

    [Fact]
    public async Task Invitation_ReSentVoidsTheOldLink_RunsOutAfter72Hours_AndCannotBeReSentOnceAccepted()
    {
        const string email = "invited.twice@example.org";
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, email, "Invited Twice", "Clinician");
        var first = await StaffAccounts.LinkAsync(factory, id);
        using var anonymous = factory.CreateClient();
        Assert.DoesNotContain("This link does not work", await anonymous.GetStringAsync(new Uri(first).PathAndQuery), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/invitation", null)).StatusCode);
        var second = await StaffAccounts.LinkAsync(factory, id);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = first, password = Password })).StatusCode);

        // 71 hours on, the second link still opens; past 72 it does not, and the admin's list says it ran out.
        factory.Clock.Advance(TimeSpan.FromHours(71));
        Assert.DoesNotContain("This link does not work", await anonymous.GetStringAsync(new Uri(second).PathAndQuery), StringComparison.Ordinal);
        factory.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = second, password = Password })).StatusCode);
        // (The admin's sign-in from three days ago has ended, 12 hours at most: the admin signs in again.)
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/v1/admin/users")).StatusCode);
        using var adminToday = await factory.ClientForAsync(Staff.Admin);
        var listed = (await adminToday.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
        Assert.True(listed.GetProperty("invited").GetBoolean());
        Assert.True(listed.GetProperty("invitationExpiresAt").GetDateTimeOffset() < factory.Clock.GetUtcNow());

        // A third one, accepted; then there is nothing to re-send.
        Assert.Equal(HttpStatusCode.OK, (await adminToday.PostAsync($"/api/v1/admin/users/{id}/invitation", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await StaffAccounts.AcceptAsync(factory, id, Password)).StatusCode);
        var again = await adminToday.PostAsync($"/api/v1/admin/users/{id}/invitation", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await adminToday.PostAsync($"/api/v1/admin/users/{Guid.NewGuid()}/invitation", null)).StatusCode);
        await Audit.SystemEventRows.WaitForAsync(factory, "type = 'staff.account.invitation-resent' AND detail->>'account' = @e", id, 2);
    }

    private async Task<long> StaffMailJobsAsync()
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox_jobs WHERE kind = 'send-staff-mail'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<List<JsonObject>> StaffMailPayloadsAsync(string id)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var read = new NpgsqlCommand("SELECT payload::text FROM outbox_jobs WHERE kind = 'send-staff-mail' AND payload->>'account' = $1 ORDER BY id", connection);
        read.Parameters.Add(new NpgsqlParameter { Value = id });
        var payloads = new List<JsonObject>();
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            payloads.Add(JsonNode.Parse(reader.GetString(0))!.AsObject());
        }

        return payloads;
    }
}
