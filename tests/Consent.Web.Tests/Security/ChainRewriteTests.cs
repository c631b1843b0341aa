using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Consent.Web.Audit;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>
/// The attack from issue 11: a role that owns the event table switches the append-only trigger off,
/// changes one screening answer of a completed session, recomputes every later hash with the
/// published algorithm (docs/event-log.md, EventChain) and updates the session's last hash. The
/// chain then verifies on its own; the signed record, which names the hash of the last event it
/// covers, does not agree with it, and every check says so, naming the session and that event.
/// </summary>
public sealed class ChainRewriteTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    /// <summary>The attack as the review ran it: the owner role has the database but not the seal key.</summary>
    [Fact]
    public async Task AChainRewrittenWithRecomputedHashes_ButNoSealKey_IsReportedAtTheChangedEvent_Everywhere()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        Assert.True((await driver.EventsAsync(session.Id))["verified"]!.GetValue<bool>());

        var changed = await RewriteOneScreeningAnswerAsync(session.Id, sealKey: null);
        Assert.True(await HashesAloneVerifyAsync(session.Id), "the rewrite must be consistent, or this test proves nothing new");

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Equal(changed, events["brokenAtSeq"]!.GetValue<long>());
        Assert.Contains("seal", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);

        var report = await VerifyAsync(pdf);
        Assert.False(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        Assert.False(report["chain"]!["verified"]!.GetValue<bool>());
        Assert.Equal(changed, report["chain"]!["brokenAtSeq"]!.GetValue<long>());
        Assert.False(report["chain"]!["signedHead"]!["matchesChain"]!.GetValue<bool>());

        using (var scope = factory.Services.CreateScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
            // The changed event's seal, and the record signed over the old chain.
            Assert.Contains(audit.Findings, f => f.SessionId == session.Id && f.BrokenAtSeq == changed && f.What.Contains("seal", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Someone holding the seal key as well (the service's own certificate) can re-seal a rewrite; the
    /// record signed before it still disagrees with it, and every check says so.
    /// </summary>
    [Fact]
    public async Task AChainRewrittenAndResealed_IsReportedByTheEventsApi_TheVerifyEndpoint_AndTheAudit()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        Assert.True((await driver.EventsAsync(session.Id))["verified"]!.GetValue<bool>());
        var covered = await CoveredSeqAsync(session.Id);

        var changed = await RewriteOneScreeningAnswerAsync(session.Id, factory.Services.GetRequiredService<EventSeals>());
        Assert.True(changed < covered);
        Assert.True(await ChainAloneVerifiesAsync(session.Id), "the rewrite must be consistent and sealed, or this test proves nothing new");

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>(), events.ToJsonString());
        Assert.Equal(covered, events["brokenAtSeq"]!.GetValue<long>());
        Assert.Contains(session.Id.ToString(), events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("rewritten", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);

        var report = await VerifyAsync(pdf);
        Assert.False(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        Assert.True(report["signature"]!["intact"]!.GetValue<bool>());
        Assert.True(report["storedRecord"]!["matches"]!.GetValue<bool>());
        Assert.False(report["chain"]!["verified"]!.GetValue<bool>());
        Assert.Equal(covered, report["chain"]!["brokenAtSeq"]!.GetValue<long>());
        Assert.Equal(covered, report["chain"]!["signedHead"]!["seq"]!.GetValue<long>());
        Assert.False(report["chain"]!["signedHead"]!["matchesChain"]!.GetValue<bool>());
        Assert.Contains(report["problems"]!.AsArray(), p => p!.GetValue<string>().Contains($"session {session.Id}", StringComparison.Ordinal)
            && p.GetValue<string>().Contains($"event {covered}", StringComparison.Ordinal));

        using (var scope = factory.Services.CreateScope())
        {
            var audit = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
            var finding = Assert.Single(audit.Findings, f => f.SessionId == session.Id);
            Assert.Equal(covered, finding.BrokenAtSeq);
        }

        var command = await ServiceProcess.RunAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Consent"] = factory.ConnectionString,
            ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
            ["CONSENT_DATA_DIR"] = factory.DataDirectory,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        }, "audit");
        Assert.Equal(1, command.ExitCode);
        Assert.Contains($"session {session.Id} at event {covered}", command.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoredRecordThatNoLongerVerifies_MakesTheEventsApiSayTheChainIsNotVerified()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var at = pdf.AsSpan().IndexOf("Consent given"u8);
        pdf[at > 0 ? at : pdf.Length / 2] ^= 0x01;

        await using (var owner = await factory.OpenOwnerDatabaseAsync())
        {
            await using var swap = new NpgsqlCommand("UPDATE consent_records SET pdf = @pdf WHERE session_id = @s", owner);
            swap.Parameters.AddWithValue("pdf", pdf);
            swap.Parameters.AddWithValue("s", session.Id);
            Assert.Equal(1, await swap.ExecuteNonQueryAsync());
        }

        var events = await driver.EventsAsync(session.Id);
        Assert.False(events["verified"]!.GetValue<bool>());
        Assert.Contains("no longer verifies", events["problem"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The event the consent record ends with: the countersignature.</summary>
    private async Task<long> CoveredSeqAsync(Guid sessionId) =>
        (await EventsAsync(sessionId)).Last(e => e.Type == Consent.Workflows.EventTypes.ClinicianCountersigned).Seq;

    /// <summary>The attack, as the owner role, re-sealing with <paramref name="sealKey"/> if given: returns the sequence number of the changed event.</summary>
    private async Task<long> RewriteOneScreeningAnswerAsync(Guid sessionId, EventSeals? sealKey)
    {
        var events = await EventsAsync(sessionId);
        var target = events.First(e => e.Type == Consent.Workflows.EventTypes.AnswersRecorded);
        var payload = JsonNode.Parse(target.Payload)!.AsObject();
        var answers = payload["answers"]!.AsObject();
        var (question, value) = answers.First();
        answers[question] = value!.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.False => JsonValue.Create(true),
            System.Text.Json.JsonValueKind.True => JsonValue.Create(false),
            _ => JsonValue.Create("changed"),
        };
        target.Payload = payload.ToJsonString();

        var previous = target.Seq == 1 ? EventChain.Genesis : events.Single(e => e.Seq == target.Seq - 1).Hash;
        foreach (var e in events.Where(e => e.Seq >= target.Seq))
        {
            EventChain.Seal(e, previous);
            sealKey?.Seal(e);
            previous = e.Hash;
        }

        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await Execute(owner, "ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete");
        foreach (var e in events.Where(e => e.Seq >= target.Seq))
        {
            await Execute(owner, "UPDATE consent_events SET payload = @payload::jsonb, prev_hash = @prev, hash = @hash, seal = @seal WHERE session_id = @s AND seq = @seq",
                ("payload", e.Payload), ("prev", e.PrevHash), ("hash", e.Hash), ("seal", e.Seal!), ("s", sessionId), ("seq", e.Seq));
        }

        await Execute(owner, "UPDATE consent_sessions SET last_hash = @hash WHERE id = @s", ("hash", previous), ("s", sessionId));
        await Execute(owner, "ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete");
        await transaction.CommitAsync();
        return target.Seq;
    }

    private async Task<bool> ChainAloneVerifiesAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
        return EventChain.Verify(await EventsAsync(sessionId), session.LastSeq, session.LastHash, factory.Services.GetRequiredService<EventSeals>()).Verified;
    }

    /// <summary>The chain's hashes and links, without the seals: what anyone without the key can recompute.</summary>
    private async Task<bool> HashesAloneVerifyAsync(Guid sessionId)
    {
        var events = await EventsAsync(sessionId);
        var previous = EventChain.Genesis;
        foreach (var e in events)
        {
            if (e.PrevHash != previous || EventChain.ComputeHash(e) != e.Hash)
            {
                return false;
            }

            previous = e.Hash;
        }

        return true;
    }

    private async Task<List<ConsentEvent>> EventsAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        return await db.Events.AsNoTracking().Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync();
    }

    private async Task<JsonObject> VerifyAsync(byte[] pdf)
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using var response = await auditor.PostAsync("/api/v1/records/verify", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
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
