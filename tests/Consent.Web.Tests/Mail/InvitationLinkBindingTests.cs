using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Security;
using netDumbster.smtp;

namespace Consent.Web.Tests.Mail;

/// <summary>
/// An invitation goes out only with the link in force for the job's session. The third outside review,
/// as the runtime role, moved a victim's pending invitation onto a session whose patient address it
/// controlled (<c>UPDATE outbox_jobs SET session_id = …</c>): the mail handler checked only that session,
/// sent the victim's link to the attacker, who verified with the date of birth the row shows, signed the
/// victim's consent, and every check called the record valid. While mail cannot leave (SMTP stopped),
/// jobs keep their links, so the move needs no race. A mail factory of its own: these tests stop its server,
/// and wait for an invitation to fail once before going on, so nothing left before the server was down.
/// </summary>
public sealed class InvitationLinkBindingTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    private const string Attacker = "mallory@evil.example";

    [Fact]
    public async Task AnotherSessionsInvitationMovedOntoTheAttackersSession_IsRefusedWithAnAlert_AndTheLinkNeverSent()
    {
        var port = StopMail();
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var (attackers, _) = await PatientMailTests.StartAsync(clinician, Attacker, "en");
        var (victim, victimUrl) = await PatientMailTests.StartAsync(clinician, PatientMailTests.Address(), "en");
        var victimToken = victimUrl[(victimUrl.LastIndexOf('/') + 1)..];
        await FailedOnceAsync(victim);

        await RuntimeRoleSql.ChangeOneRowAsync(factory,
            "UPDATE outbox_jobs SET session_id = @attackers, not_before = now() WHERE session_id = @id AND kind = 'send-mail' AND completed_at IS NULL",
            victim, ("attackers", attackers));
        using var back = Configuration.Configure().WithPort(port).Build();

        await Deadline.UntilAsync("the refusal of the moved invitation", () => Task.FromResult(factory.LogLines.Any(l =>
            l.Contains("AUDIT ALERT: outbox job", StringComparison.Ordinal) && l.Contains("a link that is not one the service issued", StringComparison.Ordinal)
            && l.Contains(attackers.ToString(), StringComparison.Ordinal))));
        await Deadline.UntilAsync("the attacker's own invitation (the worker ran)", () => Task.FromResult(back.ReceivedEmail.Any(m => m.ToAddresses.Any(a => a.Address == Attacker))));
        Assert.DoesNotContain(Bodies(back), b => b.Contains(victimToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInvitationWhoseLinkWasReissuedBeforeItLeft_IsNotSent_AndTheNewLinkIs()
    {
        var port = StopMail();
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = PatientMailTests.Address();
        var (id, oldUrl) = await PatientMailTests.StartAsync(clinician, email, "en");
        await FailedOnceAsync(id);
        var reissued = await clinician.PostAsync($"/api/v1/sessions/{id}/reissue-link", null);
        Assert.Equal(HttpStatusCode.OK, reissued.StatusCode);
        var newUrl = (await reissued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("patientUrl").GetString()!;

        using var back = Configuration.Configure().WithPort(port).Build();
        await Deadline.UntilAsync("the invitation with the reissued link", () => Task.FromResult(Bodies(back).Any(b => b.Contains(newUrl, StringComparison.Ordinal))));
        await Deadline.ValueAsync("the first invitation's job, done without sending", async () => factory.LogLines.Any(l =>
            l.Contains("the invitation's link was replaced by a reissued one", StringComparison.Ordinal)) ? "done" : null,
            () => JobsAsync(id).GetAwaiter().GetResult() + " | " + string.Join(" | ", factory.LogLines.Where(l => l.Contains("job", StringComparison.OrdinalIgnoreCase)).TakeLast(6)));
        Assert.DoesNotContain(Bodies(back), b => b.Contains(oldUrl, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.LogLines, l => l.Contains("AUDIT ALERT", StringComparison.Ordinal) && l.Contains(id.ToString(), StringComparison.Ordinal));
    }

    /// <summary>Waits until the session's invitation has failed to leave once: the server is down, and the job keeps its link.</summary>
    private Task<string> FailedOnceAsync(Guid sessionId) => Deadline.ValueAsync("a failed attempt to send the invitation", async () =>
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM outbox_jobs WHERE session_id = @s AND kind = 'send-mail' AND completed_at IS NULL AND attempts >= 1 AND last_error IS NOT NULL", db);
        query.Parameters.AddWithValue("s", sessionId);
        return (long)(await query.ExecuteScalarAsync())! > 0 ? "failed" : null;
    }, () => JobsAsync(sessionId).GetAwaiter().GetResult());

    /// <summary>The session's mail jobs as the outbox holds them, for a failure message.</summary>
    private async Task<string> JobsAsync(Guid sessionId)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new Npgsql.NpgsqlCommand(
            "SELECT string_agg(id || ' attempts ' || attempts || ' done ' || coalesce(completed_at::text, '-') || ' error ' || coalesce(last_error, '-'), '; ') FROM outbox_jobs WHERE session_id = @s", db);
        query.Parameters.AddWithValue("s", sessionId);
        return (await query.ExecuteScalarAsync()) as string ?? "no jobs";
    }

    /// <summary>The text of every message the server received, decoded (a quoted-printable line break could split a link).</summary>
    private static List<string> Bodies(SimpleSmtpServer server) =>
        [.. server.ReceivedEmail.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))).TextBody ?? "")];

    /// <summary>Stops the factory's SMTP server (the first test to run stops it; a later one finds it stopped) and returns its port.</summary>
    private int StopMail()
    {
        var port = factory.Smtp.Configuration.Port;
        factory.Smtp.Stop();
        return port;
    }
}
