using System.Text.Json.Nodes;
using Consent.Web.Audit;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// The incremental audit (issue 18): it reads only the sessions changed since the audit last verified them (and the
/// hour's sweep slice), and a session rewritten consistently and re-sealed after it was verified is still reported,
/// at the event the audit verified, even though no signed record and no checkpoint covers it.
/// </summary>
public sealed class IncrementalAuditTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private Task<AuditReport> RunAsync(AuditMode mode) => AuditRuns.RunAsync(factory, mode);

    private async Task<int> SessionCountAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Sessions.CountAsync();
    }

    /// <summary>How many sessions (other than <paramref name="except"/>) the run's sweep slice held.</summary>
    private async Task<int> SweptAsync(AuditReport report, Guid? except = null)
    {
        using var scope = factory.Services.CreateScope();
        var ids = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Sessions.Select(s => s.Id).ToListAsync();
        return ids.Count(id => id != except && AuditService.InSweep(id, report.SweepSlice));
    }

    [Fact]
    public async Task AnIncrementalAudit_ReadsOnlyTheSessionsChangedSinceTheyWereVerified_AndTheFullOneReadsEvery()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var still = await driver.StartAsync();
        var stillPatient = await driver.VerifyAsync(still);
        await driver.WalkAsync(stillPatient, still, stopAt: "perception");
        var moving = await driver.StartAsync();
        var movingPatient = await driver.VerifyAsync(moving);
        await driver.WalkAsync(movingPatient, moving, stopAt: "perception");

        var first = await RunAsync(AuditMode.Incremental);
        Assert.DoesNotContain(first.Findings, f => f.SessionId == still.Id || f.SessionId == moving.Id);
        var sessions = await SessionCountAsync();
        Assert.Equal(sessions, first.SessionsChecked);

        // Nothing changed: only the hour's sweep slice is read again.
        var second = await RunAsync(AuditMode.Incremental);
        Assert.Equal(await SweptAsync(second), second.SessionsChecked);
        Assert.Equal(sessions - second.SessionsChecked, second.SessionsUnchanged);
        Assert.Empty(second.Findings);

        // One session moves on: it is read again, the other is not (unless it is in the sweep slice).
        await driver.WalkAsync(movingPatient, moving, stopAt: "dissociation");
        var third = await RunAsync(AuditMode.Incremental);
        var swept = await SweptAsync(third, except: moving.Id);
        Assert.Equal(1 + swept, third.SessionsChecked);
        Assert.Empty(third.Findings);

        var full = await RunAsync(AuditMode.Full);
        Assert.Equal(sessions, full.SessionsChecked);
        Assert.Equal(0, full.SessionsUnchanged);
    }

}

/// <summary>The audit points themselves: what they catch, and that one written outside the audit is not trusted.</summary>
public sealed class AuditPointTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    /// <summary>
    /// The owner, holding the seal key too, rewrites a session the audit had verified, one with no signed record (it
    /// stopped half-way), hashes and seals recomputed and the row's last hash updated: the chain verifies on its own.
    /// Seen failing without the audit points: the audit then reported nothing for this session.
    /// </summary>
    [Fact]
    public async Task ASessionRewrittenAndResealedAfterItWasVerified_IsReportedByTheIncrementalAudit_AtTheVerifiedEvent()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "perception");

        var before = await RunAsync(AuditMode.Incremental);
        Assert.DoesNotContain(before.Findings, f => f.SessionId == session.Id);
        var verifiedSeq = await LastSeqAsync(session.Id);

        await RewriteOneScreeningAnswerAsync(session.Id);
        Assert.True(await ChainAloneVerifiesAsync(session.Id), "the rewrite must be consistent and sealed, or this test proves nothing new");

        var after = await RunAsync(AuditMode.Incremental);
        var finding = Assert.Single(after.Findings, f => f.SessionId == session.Id);
        Assert.Equal(verifiedSeq, finding.BrokenAtSeq);
        Assert.Contains("rewritten after it was verified", finding.What, StringComparison.Ordinal);

        // The next incremental run reads it again (its latest point says it failed) and reports it again.
        var again = await RunAsync(AuditMode.Incremental);
        Assert.Contains(again.Findings, f => f.SessionId == session.Id && f.BrokenAtSeq == verifiedSeq);
        var full = await RunAsync(AuditMode.Full);
        Assert.Contains(full.Findings, f => f.SessionId == session.Id && f.BrokenAtSeq == verifiedSeq);
    }

    /// <summary>A point written into the table by someone without the key-encryption certificate is reported, not trusted.</summary>
    [Fact]
    public async Task AnAuditPointWrittenOutsideTheAudit_IsReported_AndItsSessionReadAgain()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync();
        var patient = await driver.VerifyAsync(session);
        await driver.WalkAsync(patient, session, stopAt: "perception");
        await RunAsync(AuditMode.Incremental);
        await driver.WalkAsync(patient, session, stopAt: "dissociation");

        await using (var runtime = await OpenRuntimeAsync())
        await using (var forge = new NpgsqlCommand("""
            INSERT INTO audit_points (session_id, last_seq, last_hash, verified, verified_at, seal_key, seal)
            SELECT id, last_seq, last_hash, true, now(), 'ffffffffffffffff', repeat('0', 64) FROM consent_sessions WHERE id = @s
            """, runtime))
        {
            forge.Parameters.AddWithValue("s", session.Id);
            Assert.Equal(1, await forge.ExecuteNonQueryAsync());
        }

        var report = await RunAsync(AuditMode.Incremental);
        Assert.Contains(report.Findings, f => f.SessionId == session.Id && f.What.Contains("not sealed by this service", StringComparison.Ordinal));
    }

    private Task<AuditReport> RunAsync(AuditMode mode) => AuditRuns.RunAsync(factory, mode);

    private async Task<long> LastSeqAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Sessions.Where(s => s.Id == sessionId).Select(s => s.LastSeq).SingleAsync();
    }

    private async Task<NpgsqlConnection> OpenRuntimeAsync()
    {
        var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The owner's rewrite, re-sealed with the service's own key (ChainRewriteTests does the same to a completed session).</summary>
    private async Task RewriteOneScreeningAnswerAsync(Guid sessionId)
    {
        var events = await EventsAsync(sessionId);
        var target = events.First(e => e.Type == Consent.Workflows.EventTypes.AnswersRecorded);
        var payload = JsonNode.Parse(target.Payload)!.AsObject();
        var answers = payload["answers"]!.AsObject();
        var (question, value) = answers.First();
        answers[question] = value!.GetValueKind() == System.Text.Json.JsonValueKind.False ? JsonValue.Create(true) : JsonValue.Create(false);
        target.Payload = payload.ToJsonString();

        var seals = factory.Services.GetRequiredService<EventSeals>();
        var previous = target.Seq == 1 ? EventChain.Genesis : events.Single(e => e.Seq == target.Seq - 1).Hash;
        foreach (var e in events.Where(e => e.Seq >= target.Seq))
        {
            EventChain.Seal(e, previous);
            seals.Seal(e);
            previous = e.Hash;
        }

        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await ExecuteAsync(owner, "ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete");
        foreach (var e in events.Where(e => e.Seq >= target.Seq))
        {
            await ExecuteAsync(owner, "UPDATE consent_events SET payload = @payload::jsonb, prev_hash = @prev, hash = @hash, seal = @seal WHERE session_id = @s AND seq = @seq",
                ("payload", e.Payload), ("prev", e.PrevHash), ("hash", e.Hash), ("seal", e.Seal!), ("s", sessionId), ("seq", e.Seq));
        }

        await ExecuteAsync(owner, "UPDATE consent_sessions SET last_hash = @hash WHERE id = @s", ("hash", previous), ("s", sessionId));
        await ExecuteAsync(owner, "ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete");
        await transaction.CommitAsync();
    }

    private async Task<bool> ChainAloneVerifiesAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
        return EventChain.Verify(await EventsAsync(sessionId), session.LastSeq, session.LastHash, factory.Services.GetRequiredService<EventSeals>()).Verified;
    }

    private async Task<List<ConsentEvent>> EventsAsync(Guid sessionId)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Events.AsNoTracking()
            .Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}

internal static class AuditRuns
{
    public static async Task<AuditReport> RunAsync(ConsentWebFactory factory, AuditMode mode)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(mode, CancellationToken.None);
    }
}
