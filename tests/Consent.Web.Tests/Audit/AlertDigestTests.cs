using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Alerts;
using Consent.Web.Audit;
using Consent.Web.SystemEvents;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Mail;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>The digest is sent by hand here (<see cref="AlertDigests.SendDueAsync"/>): this node's own check is off.</summary>
public sealed class AlertDigestWebFactory : MailWebFactory
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Alerts:CheckSeconds"] = "0",
        ["Alerts:DigestMinutes"] = "15",
    };
}

/// <summary>
/// 21 CFR 11.300(d) and 45 CFR 164.308(a)(6)(ii): staff lockouts, patients' date-of-birth lockouts and failed audits
/// are mailed to every active admin as one digest, at most once per <c>Alerts:DigestMinutes</c>; every alert is in
/// exactly one digest, and each digest is on the system audit trail with whom it went to.
/// </summary>
public sealed class AlertDigestTests(AlertDigestWebFactory factory) : IClassFixture<AlertDigestWebFactory>
{
    private const string Password = "an alert digest password 4";
    private const string WrongDate = "1980-01-01";

    [Fact]
    public async Task LockoutsAndAFailedAudit_AreOneDigestToEachActiveAdmin_AndLaterAlertsWaitForTheNextPeriod()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        await AcceptedAsync(admin, "second.admin@example.org", "Second Admin", "Admin");
        var gone = await AcceptedAsync(admin, "gone.admin@example.org", "Gone Admin", "Admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{gone}/deactivate", null)).StatusCode);
        var victim = await AcceptedAsync(admin, "guessed.at@example.org", "Dr. Guessed At", "Clinician");

        // A staff account locked out by wrong passwords.
        using var anonymous = factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "guessed.at@example.org", password = "Wrong-Guess-5e0b1" + i });
        }

        // A patient's link locked by wrong dates of birth.
        var driver = await PatientDriver.CreateAsync(factory);
        var guessed = await driver.StartAsync();
        await LockLinkAsync(guessed);

        // An audit that does not verify: an event changed outside the service.
        var tampered = await driver.StartAsync();
        await driver.VerifyAsync(tampered);
        await AuditTests.TamperAsync(factory, tampered.Id, seq: 2);
        using (var scope = factory.Services.CreateScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
            Assert.False(report.Clean);
            await OperationsEvents.RecordAuditRunNowAsync(scope.ServiceProvider, report, CancellationToken.None);
        }

        await SystemEventRows.WaitForAsync(factory, "type = 'staff.account.locked-out' AND detail->>'account' = @e", victim, 1);
        await SystemEventRows.WaitForAsync(factory, "type = 'patient.link.locked' AND session_id = @s", guessed.Id, 1);
        await using (var db = await factory.OpenDatabaseAsync())
        {
            // The link lockout names the session and patient, who did it (nobody signed in) and how many tries; never a date.
            await using var query = new NpgsqlCommand(
                "SELECT actor, detail::text || coalesce(patient_id::text, '') FROM system_events WHERE type = 'patient.link.locked' AND session_id = @s", db);
            query.Parameters.AddWithValue("s", guessed.Id);
            var (actor, text) = await SystemEventRows.SingleAsync(query);
            Assert.Equal(SystemAudit.Anonymous, actor);
            Assert.Contains("\"failures\":5", text.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.EndsWith((await SystemEventRows.PatientOfAsync(factory, guessed.Id)).ToString("D"), text, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongDate, text, StringComparison.Ordinal);
        }

        var now = DateTimeOffset.UtcNow;
        var first = await SendDueAsync(now);
        Assert.NotNull(first);
        Assert.Equal(1, first.Counts[SystemEventTypes.AccountLockedOut]);
        Assert.Equal(1, first.Counts[SystemEventTypes.PatientLinkLocked]);
        Assert.Equal(1, first.Counts[SystemEventTypes.AuditRun]);
        Assert.Equal(2, first.MailedTo.Count);

        foreach (var to in new[] { Staff.Admin, "second.admin@example.org" })
        {
            var digest = Assert.Single(await DigestsAsync(to, 1));
            Assert.EndsWith("3 security alerts", digest.Subject, StringComparison.Ordinal);
            var body = digest.TextBody!;
            Assert.Contains("staff account guessed.at@example.org locked out after 5 wrong passwords", body, StringComparison.Ordinal);
            Assert.Contains($"locked after 5 wrong dates of birth", body, StringComparison.Ordinal);
            Assert.Contains(guessed.Id.ToString("D"), body, StringComparison.Ordinal);
            Assert.Contains("did not verify", body, StringComparison.Ordinal);
            // No health information and no secrets in an inbox: not the patient's name or date of birth, not a guess.
            Assert.DoesNotContain(PatientDriver.PatientName, body, StringComparison.Ordinal);
            Assert.DoesNotContain(PatientDriver.DateOfBirth, body, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongDate, body, StringComparison.Ordinal);
            Assert.DoesNotContain("Wrong-Guess", body, StringComparison.Ordinal);
        }

        // Nothing new: no digest. A new alert within the period waits; after it, it is the next digest, alone.
        Assert.Null(await SendDueAsync(now));
        var later = await driver.StartAsync();
        await LockLinkAsync(later);
        await SystemEventRows.WaitForAsync(factory, "type = 'patient.link.locked' AND session_id = @s", later.Id, 1);
        Assert.Null(await SendDueAsync(now.AddMinutes(14)));
        var second = await SendDueAsync(now.AddMinutes(16));
        Assert.NotNull(second);
        Assert.Equal(first.ThroughSeq, second.AfterSeq);
        Assert.Equal(1, Assert.Single(second.Counts).Value);
        // Mail may arrive in either order under load: the later digest is the one naming the later session.
        var next = Assert.Single(await DigestsAsync(Staff.Admin, 2), m => m.TextBody!.Contains(later.Id.ToString("D"), StringComparison.Ordinal));
        Assert.EndsWith("1 security alert", next.Subject, StringComparison.Ordinal);
        Assert.Contains(later.Id.ToString("D"), next.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(guessed.Id.ToString("D"), next.TextBody, StringComparison.Ordinal);

        // A deactivated admin and the locked account got nothing; each digest is on the trail with whom it went to.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(Digests("gone.admin@example.org"));
        Assert.Empty(Digests("guessed.at@example.org"));
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var trail = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/system-events?type=alerts.digest.sent");
        Assert.True(trail.GetProperty("verified").GetBoolean());
        var sent = trail.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, e => Assert.Equal(2, e.GetProperty("detail").GetProperty("mailedTo").GetArrayLength()));
    }

    private async Task<AlertDigestSent?> SendDueAsync(DateTimeOffset now)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AlertDigests>().SendDueAsync(now, CancellationToken.None);
    }

    private async Task LockLinkAsync(StartedSession session)
    {
        using var client = factory.CreateClient();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await client.PostAsJsonAsync($"/api/v1/patient/{session.Token}/verify", new { dateOfBirth = WrongDate });
        }

        Assert.Equal(HttpStatusCode.Locked, last!.StatusCode);
    }

    private async Task<List<MimeMessage>> DigestsAsync(string to, int count) =>
        await Deadline.ValueAsync($"{count} digest(s) to {to}", () => Task.FromResult(Digests(to) is { } d && d.Count >= count ? d : null));

    private List<MimeMessage> Digests(string to) => [.. factory.Smtp.ReceivedEmail
        .Where(m => m.ToAddresses.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
        .Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
        .Where(m => (m.Subject ?? "").Contains("security alert", StringComparison.Ordinal))
        .OrderBy(m => m.Date)];

    private Task<string> AcceptedAsync(HttpClient admin, string email, string name, string role) =>
        LockoutAlertTests.AcceptedAsync(factory, admin, email, name, role, Password);
}
