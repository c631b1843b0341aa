using Consent.Web.Tests.Infrastructure;
using netDumbster.smtp;
using Npgsql;

namespace Consent.Web.Tests.Mail;

/// <summary>
/// The invitation link while the mail cannot leave: the SMTP server is stopped first, so the outbox
/// job is read before any send could have removed the link. Then the server comes back and the
/// worker's retry (with back-off) delivers it. A mail factory of its own: this test stops its server.
/// </summary>
public sealed class InvitationAtRestTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    [Fact]
    public async Task WhileTheMailCannotLeave_TheLinkIsStoredOnlyEncrypted_ThenARetryDeliversIt_AndRemovesIt()
    {
        var port = factory.Smtp.Configuration.Port;
        factory.Smtp.Stop();
        using var clinician = await factory.ClientForAsync(Staff.Clinician);
        var email = PatientMailTests.Address();

        var (id, url) = await PatientMailTests.StartAsync(clinician, email, "en");
        var token = url[(url.LastIndexOf('/') + 1)..];

        var failed = await Deadline.ValueAsync("a failed attempt to send the invitation", () => JobAsync(id, "attempts >= 1 AND last_error IS NOT NULL"));
        Assert.Null(failed.CompletedAt);
        Assert.Contains("\"link\"", failed.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain(token, failed.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("/p/", failed.Payload, StringComparison.Ordinal);
        Assert.True(failed.NotBefore >= failed.CreatedAt.AddSeconds(2), $"no back-off: retry at {failed.NotBefore:O}, job created {failed.CreatedAt:O}");

        using var back = Configuration.Configure().WithPort(port).Build();
        await Deadline.UntilAsync("the invitation delivered once the SMTP server is back",
            () => Task.FromResult(back.ReceivedEmail.Any(m => m.ToAddresses.Any(a => a.Address == email) && m.Data.Contains(token, StringComparison.Ordinal))));
        var sent = await Deadline.ValueAsync("the sent invitation's job completed", () => JobAsync(id, "completed_at IS NOT NULL"));
        Assert.True(sent.Attempts >= 2, $"delivered on attempt {sent.Attempts}: not a retry");
        Assert.DoesNotContain("\"link\"", sent.Payload, StringComparison.Ordinal);
    }

    private sealed record MailJob(string Payload, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NotBefore, DateTimeOffset? CompletedAt);

    /// <summary>The session's send-mail job when it matches <paramref name="condition"/> (SQL), else null.</summary>
    private async Task<MailJob?> JobAsync(Guid sessionId, string condition)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand(
            $"SELECT payload::text, attempts, created_at, not_before, completed_at FROM outbox_jobs WHERE session_id = @s AND kind = 'send-mail' AND {condition}", db);
        query.Parameters.AddWithValue("s", sessionId);
        await using var reader = await query.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new MailJob(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }
}
