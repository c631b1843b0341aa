using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>
/// Two attacks from the outside review of issue 11, on the database alone: the runtime role appends
/// a clinician's countersignature with a correctly recomputed hash; the owner rewrites a completed
/// session, deletes its record and asks for a new one. Without the seal key neither event verifies,
/// and the service refuses to sign a record over them.
/// </summary>
public sealed class ForgedEventTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task ACountersignatureAppendedByTheRuntimeRole_FailsTheChain_AndIsNeverSigned()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-FORGE");
        var patient = await driver.VerifyAsync(session);
        Assert.Equal("AwaitingCountersign", (await driver.WalkAsync(patient, session))["sessionStatus"]!.GetValue<string>());

        var forged = await AppendForgedCountersignatureAsync(session.Id);

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Equal(forged, events["brokenAtSeq"]!.GetValue<long>());
        Assert.Contains("no seal", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);

        using var scope = factory.Services.CreateScope();
        var issuer = scope.ServiceProvider.GetRequiredService<RecordIssuer>();
        var refusal = await Assert.ThrowsAsync<UnverifiedChainException>(() => issuer.IssueAsync(session.Id, RecordKind.Consent, CancellationToken.None));
        Assert.Contains("was not signed", refusal.Message, StringComparison.Ordinal);
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        Assert.False(await db.Records.AnyAsync(r => r.SessionId == session.Id));
    }

    [Fact]
    public async Task ASessionRewrittenByTheOwner_WithItsRecordDeleted_IsNeverSignedAgain()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        var changed = await RewriteAndDeleteTheRecordAsync(session.Id);

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Equal(changed, events["brokenAtSeq"]!.GetValue<long>());

        using var scope = factory.Services.CreateScope();
        var issuer = scope.ServiceProvider.GetRequiredService<RecordIssuer>();
        await Assert.ThrowsAsync<UnverifiedChainException>(() => issuer.IssueAsync(session.Id, RecordKind.Consent, CancellationToken.None));
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        Assert.False(await db.Records.AnyAsync(r => r.SessionId == session.Id));
    }

    /// <summary>As consent_app, which may insert events and update sessions: returns the forged event's number.</summary>
    private async Task<long> AppendForgedCountersignatureAsync(Guid sessionId)
    {
        var (last, createdBy) = await LastEventAsync(sessionId);
        var forged = new ConsentEvent
        {
            SessionId = sessionId,
            Seq = last.Seq + 1,
            Type = EventTypes.ClinicianCountersigned,
            Payload = new JsonObject { ["staffId"] = createdBy.ToString(), ["statementAccepted"] = true }.ToJsonString(),
            Actor = createdBy.ToString(),
            At = EventChain.Truncate(DateTimeOffset.UtcNow),
        };
        EventChain.Seal(forged, last.Hash);

        await using var app = await factory.OpenDatabaseAsync();
        await using var transaction = await app.BeginTransactionAsync();
        await Execute(app, """
            INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash)
            VALUES (@s, @seq, @type, @payload::jsonb, @actor, @at, @prev, @hash)
            """, ("s", sessionId), ("seq", forged.Seq), ("type", forged.Type), ("payload", forged.Payload), ("actor", forged.Actor),
            ("at", forged.At), ("prev", forged.PrevHash), ("hash", forged.Hash));
        await Execute(app, "UPDATE consent_sessions SET status = 'Completed', last_seq = @seq, last_hash = @hash WHERE id = @s",
            ("seq", forged.Seq), ("hash", forged.Hash), ("s", sessionId));
        await transaction.CommitAsync();
        return forged.Seq;
    }

    /// <summary>As consent_owner: changes a screening answer, re-chains, and removes the record and its RecordIssued event.</summary>
    private async Task<long> RewriteAndDeleteTheRecordAsync(Guid sessionId)
    {
        List<ConsentEvent> events;
        using (var scope = factory.Services.CreateScope())
        {
            events = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Events.AsNoTracking()
                .Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync();
        }

        var issued = events.Single(e => e.Type == EventTypes.RecordIssued);
        events.Remove(issued);
        var target = events.First(e => e.Type == EventTypes.AnswersRecorded);
        var payload = JsonNode.Parse(target.Payload)!.AsObject();
        var answers = payload["answers"]!.AsObject();
        var (question, value) = answers.First();
        answers[question] = value!.GetValueKind() == System.Text.Json.JsonValueKind.True ? JsonValue.Create(false) : JsonValue.Create(true);
        target.Payload = payload.ToJsonString();
        var previous = events.Single(e => e.Seq == target.Seq - 1).Hash;
        foreach (var e in events.Where(e => e.Seq >= target.Seq))
        {
            EventChain.Seal(e, previous);
            previous = e.Hash;
        }

        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await Execute(owner, "ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete");
        // The record's evidence versions go with it (history too, so their trigger is set aside like the events').
        await Execute(owner, "ALTER TABLE record_evidence DISABLE TRIGGER record_evidence_no_update_or_delete");
        await Execute(owner, "DELETE FROM record_evidence WHERE session_id = @s", ("s", sessionId));
        await Execute(owner, "ALTER TABLE record_evidence ENABLE TRIGGER record_evidence_no_update_or_delete");
        await Execute(owner, "DELETE FROM consent_records WHERE session_id = @s", ("s", sessionId));
        await Execute(owner, "DELETE FROM consent_events WHERE session_id = @s AND seq = @seq", ("s", sessionId), ("seq", issued.Seq));
        foreach (var e in events.Where(e => e.Seq >= target.Seq))
        {
            await Execute(owner, "UPDATE consent_events SET payload = @payload::jsonb, prev_hash = @prev, hash = @hash WHERE session_id = @s AND seq = @seq",
                ("payload", e.Payload), ("prev", e.PrevHash), ("hash", e.Hash), ("s", sessionId), ("seq", e.Seq));
        }

        await Execute(owner, "UPDATE consent_sessions SET last_seq = @seq, last_hash = @hash WHERE id = @s", ("seq", events[^1].Seq), ("hash", previous), ("s", sessionId));
        await Execute(owner, "ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete");
        await transaction.CommitAsync();
        return target.Seq;
    }

    private async Task<(ConsentEvent Last, Guid CreatedBy)> LastEventAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var last = await db.Events.AsNoTracking().Where(e => e.SessionId == sessionId).OrderByDescending(e => e.Seq).FirstAsync();
        var createdBy = await db.Sessions.AsNoTracking().Where(s => s.Id == sessionId).Select(s => s.CreatedBy).SingleAsync();
        return (last, createdBy);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
