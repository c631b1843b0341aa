using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Consent.Web.Tests.Security;
using Npgsql;

namespace Consent.Web.Tests.Mail;

/// <summary>
/// The second outside review set <c>consent_sessions.patient_email</c> to its own address, and the next
/// send-mail job mailed it the signed record. The row is checked against its chain before anything is sent.
/// </summary>
public sealed class PatientMailBindingTests(MailWebFactory factory) : IClassFixture<MailWebFactory>
{
    private const string Spy = "spy@evil.example";

    [Fact]
    public async Task AnAddressWrittenIntoTheRow_GetsNothing_AndTheJobFailsWithAnAlert()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var email = PatientMailTests.Address();
        var (id, url) = await PatientMailTests.StartAsync(driver.Clinician, email, "en");
        var session = new StartedSession(id, url[(url.LastIndexOf('/') + 1)..], url);
        await driver.WalkAsync(await driver.VerifyAsync(session), session);
        await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{id}/countersign", new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        await RecordSessions.WaitForRecordAsync(driver.Clinician, id);
        await factory.MailForAsync(email, 2);

        await RuntimeRoleSql.ChangeOneRowAsync(factory, "UPDATE consent_sessions SET patient_email = @spy WHERE id = @id", id, ("spy", Spy));
        long job;
        await using (var connection = await factory.OpenDatabaseAsync())
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO outbox_jobs (kind, session_id, payload, created_at, not_before, attempts) " +
            "VALUES ('send-mail', @id, '{\"what\":\"record\",\"kind\":\"Consent\"}', now(), now(), 0) RETURNING id", connection))
        {
            insert.Parameters.AddWithValue("id", id);
            job = (long)(await insert.ExecuteScalarAsync())!;
        }

        var error = await Deadline.ValueAsync("the job's failure", async () =>
        {
            await using var connection = await factory.OpenDatabaseAsync();
            await using var read = new NpgsqlCommand("SELECT last_error FROM outbox_jobs WHERE id = @job AND completed_at IS NULL", connection);
            read.Parameters.AddWithValue("job", job);
            return await read.ExecuteScalarAsync() as string;
        });
        Assert.Contains("nothing sent", error, StringComparison.Ordinal);
        Assert.Contains(factory.LogLines, l => l.Contains("AUDIT ALERT", StringComparison.Ordinal) && l.Contains($"job {job}", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Smtp.ReceivedEmail, m => m.ToAddresses.Any(a => string.Equals(a.Address, Spy, StringComparison.OrdinalIgnoreCase)));
    }
}
