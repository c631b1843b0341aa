using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Mail;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>The service's own digest check runs every second here, as it does every 30 s by default.</summary>
public sealed class LockoutAlertWebFactory : MailWebFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Alerts:CheckSeconds"] = "1",
    };
}

/// <summary>
/// 21 CFR 11.300(d): attempts at unauthorized use are detected and reported "in an immediate and urgent manner".
/// Wrong passwords that lock an account put <c>staff.account.locked-out</c> on the system trail once, and the
/// service's own check mails it to every active admin in a security alert digest, by real SMTP, within seconds
/// when it is the first alert in a while (not again for each refused attempt while it lasts); the admin's view of
/// the account shows until when it is locked. (AlertDigestTests: the digest's period and its other alerts.)
/// </summary>
public sealed class LockoutAlertTests(LockoutAlertWebFactory factory) : IClassFixture<LockoutAlertWebFactory>
{
    private const string Password = "a lockout alert password 1";
    private const string WrongPassword = "Wrong-Guess-7d41c2-never-stored";
    private const string AlertSubject = "1 security alert";

    [Fact]
    public async Task ALockout_IsRecordedOnce_AndMailedOnceToEveryActiveAdmin_AndTheAdminSeesUntilWhen()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var victimId = await AcceptedAsync(admin, "guessed.at@example.org", "Dr. Guessed At", "Clinician");
        await AcceptedAsync(admin, "second.admin@example.org", "Second Admin", "Admin");
        var gone = await AcceptedAsync(admin, "gone.admin@example.org", "Gone Admin", "Admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{gone}/deactivate", null)).StatusCode);

        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "guessed.at@example.org", password = WrongPassword + i })).StatusCode);
        }

        await SystemEventRows.WaitForAsync(factory, "type = 'staff.account.locked-out' AND detail->>'account' = @e", victimId, 1);

        // More guesses while it is locked are refused, and are no new lockout.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "guessed.at@example.org", password = Password })).StatusCode);
        }

        await SystemEventRows.WaitForAsync(factory,
            "type = 'staff.sign-in.failed' AND detail->>'reason' = 'locked-out' AND detail->>'emailTried' = @e", "guessed.at@example.org", 3);
        var lockedUntil = await LockoutEndAsync(victimId);

        await using (var db = await factory.OpenDatabaseAsync())
        {
            await using var query = new NpgsqlCommand(
                "SELECT actor, detail::text FROM system_events WHERE type = 'staff.account.locked-out' AND detail->>'account' = @a", db);
            query.Parameters.AddWithValue("a", victimId);
            var (actor, text) = await SystemEventRows.SingleAsync(query);
            Assert.Equal("anonymous", actor);
            var detail = JsonDocument.Parse(text).RootElement;
            Assert.Equal("guessed.at@example.org", detail.GetProperty("email").GetString());
            Assert.Equal(5, detail.GetProperty("attempts").GetInt32());
            Assert.Equal(lockedUntil, detail.GetProperty("lockedOutUntil").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));

            await using var leaked = new NpgsqlCommand("SELECT count(*) FROM system_events WHERE system_events::text LIKE '%' || @p || '%'", db);
            leaked.Parameters.AddWithValue("p", "Wrong-Guess-7d41c2");
            Assert.Equal(0L, await leaked.ExecuteScalarAsync());
        }

        foreach (var to in new[] { Staff.Admin, "second.admin@example.org" })
        {
            var alert = await Deadline.ValueAsync($"the lockout alert to {to}", () => Task.FromResult(Alerts(to).FirstOrDefault()));
            Assert.Contains("guessed.at@example.org", alert.TextBody, StringComparison.Ordinal);
            Assert.Contains("locked out after 5 wrong passwords", alert.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("Wrong-Guess", alert.TextBody, StringComparison.Ordinal);
        }

        // Once per lockout: the refused attempts while locked mailed nobody again, and a deactivated admin was not mailed.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(Alerts(Staff.Admin));
        Assert.Single(Alerts("second.admin@example.org"));
        Assert.Empty(Alerts("gone.admin@example.org"));
        Assert.Empty(Alerts("guessed.at@example.org"));

        // The admin sees until when: in the API answer, and on the users page in the clinic's time.
        var accounts = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users");
        var victim = accounts.EnumerateArray().Single(a => a.GetProperty("id").GetString() == victimId);
        Assert.True(victim.GetProperty("lockedOut").GetBoolean());
        Assert.Equal(lockedUntil, victim.GetProperty("lockedOutUntil").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        var other = accounts.EnumerateArray().Single(a => a.GetProperty("email").GetString() == Staff.Clinician);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("lockedOutUntil").ValueKind);

        using var browser = await PageForms.SignedInAsync(factory, Staff.Admin);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/users"));
        var shown = factory.Services.GetRequiredService<Consent.Web.Ui.ClinicTime>().Show(lockedUntil);
        Assert.Contains($"Locked out until {shown}", page, StringComparison.Ordinal);
    }

    private Task<string> AcceptedAsync(HttpClient admin, string email, string name, string role) => AcceptedAsync(factory, admin, email, name, role, Password);

    /// <summary>Invites an account, sets its password with the link in the invitation mail, and returns its id.</summary>
    internal static async Task<string> AcceptedAsync(MailWebFactory factory, HttpClient admin, string email, string name, string role, string password)
    {
        var id = await StaffAccounts.InviteAsync(admin, email, name, role);
        var invitation = Assert.Single(await factory.MailForAsync(email));
        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK,
            (await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = StaffMailTests.LinkIn(invitation.TextBody!), password })).StatusCode);
        return id;
    }

    /// <summary>The lockout alerts the SMTP server has received for an address, parsed.</summary>
    private List<MimeMessage> Alerts(string to) => [.. factory.Smtp.ReceivedEmail
        .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
        .Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
        .Where(m => (m.Subject ?? "").EndsWith(AlertSubject, StringComparison.Ordinal))];

    private async Task<DateTimeOffset> LockoutEndAsync(string id)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""SELECT lockout_end FROM "AspNetUsers" WHERE id = @id::uuid""", db);
        query.Parameters.AddWithValue("id", id);
        return await query.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : throw new InvalidOperationException("not locked");
    }
}
