using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Five wrong passwords lock a staff account for 15 minutes; once that time has passed, the right
/// password works again. They used to end the account's live sign-ins too, so an outsider who
/// knew a clinician's email could sign them out, again and again, mid-consent. A lockout now blocks
/// password guessing only; what an admin or the staff member does (deactivation, password reset or
/// change, role change) still ends the live sign-ins.
/// </summary>
public sealed class LockoutTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "lockout test password 1";

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccountFor15Minutes_ThenItSignsInAgain()
    {
        var email = $"locked.{Guid.NewGuid():N}"[..20] + "@example.org";
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Clinician");
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(email, "not the password"));
        }

        var locked = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(email, Password));
        var end = await LockoutEndAsync(email);
        Assert.NotNull(end);
        Assert.InRange(end!.Value - locked, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15).Add(TimeSpan.FromSeconds(5)));

        // Identity reads the real clock, so the 15 minutes are stood for by moving the lockout's end
        // into the past, which is what the database holds once they have passed.
        await SetLockoutEndAsync(email, DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(email, Password));
    }

    /// <summary>
    /// Wrong passwords sent at once each count: the failure count is written under the account's row lock, after
    /// reading it again (an outside attack sent 50 in parallel and the count went up by one, as each save found the
    /// account changed since it was read and was dropped).
    /// </summary>
    [Fact]
    public async Task WrongPasswordsSentAtOnce_EachCount_AndLockTheAccount()
    {
        var email = $"parallel.{Guid.NewGuid():N}"[..20] + "@example.org";
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Clinician");
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(i => SignInAsync(email, $"guess number {i}")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.NotNull(await LockoutEndAsync(email));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(email, Password));
    }

    /// <summary>
    /// A burst of guesses sent at once is decided one at a time under the account's row lock: five are checked against the
    /// password and lock the account, the rest are refused as locked out without being tried, and the right password sent
    /// after the burst is refused too (an outside attack had all twenty checked). The right password is not sent inside the
    /// burst: where it falls among the guesses is up to the scheduler, and one decided before the fifth failure rightly signs
    /// in and clears the count, so the number tried would depend on the machine's load, not on the lock.
    /// </summary>
    [Fact]
    public async Task ABurstOfGuesses_TriesOnlyFive_ThenRefusesTheRestAsLockedOut()
    {
        var email = $"burst.{Guid.NewGuid():N}"[..17] + "@example.org";
        string id;
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Clinician");
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SignInAsync(email, $"guess number {i}")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(email, Password));

        await Consent.Web.Tests.Audit.SystemEventRows.WaitForAsync(factory, $"type = 'staff.sign-in.failed' AND detail->>'account' = @e", id, 21);
        await using var db = await factory.OpenDatabaseAsync();
        await using var reasons = new Npgsql.NpgsqlCommand(
            "SELECT detail->>'reason', count(*) FROM system_events WHERE type = 'staff.sign-in.failed' AND detail->>'account' = @a GROUP BY 1 ORDER BY 1", db);
        reasons.Parameters.AddWithValue("a", id);
        var counts = new Dictionary<string, long>();
        await using (var row = await reasons.ExecuteReaderAsync())
        {
            while (await row.ReadAsync())
            {
                counts[row.GetString(0)] = row.GetInt64(1);
            }
        }

        Assert.Equal(5, counts.GetValueOrDefault("wrong-password"));
        Assert.Equal(16, counts.GetValueOrDefault("locked-out"));
    }

    /// <summary>A refused sign-in answers after the same floor whether or not the email has an account, so its time does not tell.</summary>
    [Fact]
    public async Task RefusedSignIns_TakeTheSameFloor_KnownEmailOrNot()
    {
        var email = $"floor.{Guid.NewGuid():N}"[..16] + "@example.org";
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Clinician");
        }

        foreach (var who in new[] { email, "nobody.at.all@example.org" })
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(who, "not the password at all"));
            Assert.True(clock.Elapsed >= Consent.Web.Identity.StaffSignIn.RefusedAnswerTime, $"{who}: {clock.Elapsed.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public async Task FiveAnonymousWrongPasswords_BlockNewSignIns_ButTheLiveSignInKeepsWorking_AndTheLockoutIsLogged()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "guessed.clinician@example.org", Password, null, "Clinician");
        using var clinician = await StaffAccounts.ClientAsync(factory, "guessed.clinician@example.org", Password);

        await GuessFiveTimesAsync("guessed.clinician@example.org");

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync("guessed.clinician@example.org", Password));
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);
        var lockout = Assert.Single(factory.LogLines, line => line.Contains($"Staff account {id} is locked out", StringComparison.Ordinal));
        Assert.DoesNotContain("guessed.clinician", lockout, StringComparison.Ordinal);

        // The live sign-in cannot carry on guessing the password either: a change needs the lockout over.
        var change = await clinician.PostAsJsonAsync("/api/v1/account/password", new { currentPassword = Password, newPassword = "another password 2" });
        Assert.Equal(HttpStatusCode.BadRequest, change.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);
    }

    [Theory]
    [InlineData("deactivate")]
    [InlineData("reset the password")]
    public async Task AfterALockout_WhatAnAdminDoes_StillEndsTheLiveSignIn(string move)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var email = $"locked.{move.Replace(' ', '.')}@example.org";
        var id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Clinician");
        using var clinician = await StaffAccounts.ClientAsync(factory, email, Password);
        await GuessFiveTimesAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);

        var answer = move == "deactivate"
            ? await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)
            : await admin.PostAsync($"/api/v1/admin/users/{id}/password/reset", null);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await clinician.GetAsync("/api/v1/sessions")).StatusCode);
    }

    private async Task GuessFiveTimesAsync(string email)
    {
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = $"wrong password {i}" })).StatusCode);
        }
    }

    private async Task<HttpStatusCode> SignInAsync(string email, string password)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        return response.StatusCode;
    }

    private async Task<DateTimeOffset?> LockoutEndAsync(string email)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""SELECT lockout_end FROM "AspNetUsers" WHERE normalized_email = upper(@e)""", db);
        query.Parameters.AddWithValue("e", email);
        return await query.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    private async Task SetLockoutEndAsync(string email, DateTimeOffset end)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var update = new NpgsqlCommand("""UPDATE "AspNetUsers" SET lockout_end = @end WHERE normalized_email = upper(@e)""", db);
        update.Parameters.AddWithValue("e", email);
        update.Parameters.AddWithValue("end", end);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
