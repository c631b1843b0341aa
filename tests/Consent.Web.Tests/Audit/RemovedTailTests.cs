using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// Events removed from the end of a chain (docs/event-log.md): with the session row's head left as it
/// was, the head no longer matches; with the head rewound too, the record signed over a removed event
/// still names it. Done as the tables' owner with the append-only trigger off, the only way to do it.
/// </summary>
public sealed class RemovedTailTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task ARemovedTail_IsFoundByTheSessionsHead_InTheEventsAnswerAndTheAudit()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(session), session, stopAt: "perception");
        var before = await driver.EventsAsync(session.Id);
        Assert.True(before["verified"]!.GetValue<bool>());
        var last = before["events"]!.AsArray().Count;

        await RemoveTailAsync(session.Id, keep: last - 2, rewindHead: false);

        var after = await driver.EventsAsync(session.Id);
        Assert.False(after["verified"]!.GetValue<bool>());
        Assert.Equal(last - 1, after["brokenAtSeq"]!.GetValue<long>());
        Assert.Contains("missing from the end", after["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        var finding = Assert.Single((await AuditAsync()).Findings, f => f.SessionId == session.Id);
        Assert.Equal(last - 1, finding.BrokenAtSeq);
    }

    [Fact]
    public async Task ARemovedTail_WithTheHeadRewound_IsFoundByTheSignedRecord()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var events = (await driver.EventsAsync(session.Id))["events"]!.AsArray();
        var countersigned = events.Single(e => e!["type"]!.GetValue<string>() == "ClinicianCountersigned")!["seq"]!.GetValue<long>();

        // The countersignature and what follows it go; the session's head, status and completion time are set
        // to what the events before it give, so that only the signed record can tell.
        await RemoveTailAsync(session.Id, keep: countersigned - 1, rewindHead: true);

        var after = await driver.EventsAsync(session.Id);
        Assert.False(after["verified"]!.GetValue<bool>());
        Assert.Equal(countersigned, after["brokenAtSeq"]!.GetValue<long>());
        Assert.Contains($"has no event {countersigned}", after["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains((await AuditAsync()).Findings, f => f.SessionId == session.Id && f.BrokenAtSeq == countersigned);
    }

    private async Task<AuditReport> AuditAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
    }

    private async Task RemoveTailAsync(Guid sessionId, long keep, bool rewindHead)
    {
        await using var db = await factory.OpenOwnerDatabaseAsync();
        await using var remove = new NpgsqlCommand($"""
            ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete;
            DELETE FROM consent_events WHERE session_id = @s AND seq > @keep;
            ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete;
            {(rewindHead ? "UPDATE consent_sessions SET last_seq = @keep, last_hash = (SELECT hash FROM consent_events WHERE session_id = @s AND seq = @keep), status = 'AwaitingCountersign', completed_at = NULL WHERE id = @s;" : "")}
            """, db);
        remove.Parameters.AddWithValue("s", sessionId);
        remove.Parameters.AddWithValue("keep", keep);
        await remove.ExecuteNonQueryAsync();
    }
}
