using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Records.Tests.Infrastructure;
using Consent.Testing;
using Consent.Web.Audit;
using Consent.Web.Checkpoints;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>The service with the development TSA (scripts/dev-tsa.sh) and an anchor folder; checkpoints are made by the tests.</summary>
public sealed class CheckpointWebFactory : RecordsWebFactory
{
    internal DevTsa Tsa { get; } = new();

    public string AnchorDirectory => Path.Combine(DataDirectory, "anchors");

    public string TimestampRootsPath => Tsa.CaPemPath;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Signing:TimestampUrl"] = Tsa.Url,
        ["Signing:TimestampRootsPath"] = Tsa.CaPemPath,
        ["Anchors:Directory"] = AnchorDirectory,
        ["Checkpoints:IntervalMinutes"] = "0",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Tsa.Dispose();
    }
}

/// <summary>
/// The attack the checkpoints answer: someone with the database owner's rights (and, here, the seal key too) rewrites a
/// session's chain consistently after it was anchored. Nothing inside the database disagrees any more; the checkpoint's
/// leaf, its TSA token and its signed anchor file outside the database do, and the audit and the verify endpoint say so,
/// naming the session, the checkpoint and when the TSA anchored it.
/// </summary>
public sealed class CheckpointTests(CheckpointWebFactory factory) : IClassFixture<CheckpointWebFactory>
{
    [Fact]
    public async Task AChainRewrittenAndResealedAfterACheckpoint_IsReportedByTheAudit_TheCommand_AndTheVerifyEndpoint_NamingTheCheckpoint()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var checkpoint = await MakeCheckpointAsync();
        Assert.Contains(await LeavesAsync(checkpoint.Id), l => l.SessionId == session.Id);

        var before = await VerifyAsync(pdf);
        Assert.True(before["valid"]!.GetValue<bool>(), before.ToJsonString());
        Assert.Equal("anchored", before["anchor"]!["status"]!.GetValue<string>());
        Assert.Equal(checkpoint.Id, before["anchor"]!["checkpointId"]!.GetValue<long>());
        Assert.Equal("matches", before["anchor"]!["anchorFile"]!.GetValue<string>());
        Assert.DoesNotContain((await AuditAsync()).Findings, f => f.SessionId == session.Id);

        var changed = await RewriteLastEventAsync(session.Id);
        Assert.True(await ChainAloneVerifiesAsync(session.Id), "the rewrite must be consistent and sealed, or this test proves nothing new");

        var audit = await AuditAsync();
        var finding = Assert.Single(audit.Findings, f => f.SessionId == session.Id);
        Assert.Equal(checkpoint.Id, finding.CheckpointId);
        Assert.Equal(changed, finding.BrokenAtSeq);
        Assert.NotNull(finding.AnchoredAt);
        Assert.True(Math.Abs((finding.AnchoredAt!.Value - checkpoint.TimestampedAt).TotalSeconds) < 1);
        Assert.Contains($"session {session.Id}", finding.What, StringComparison.Ordinal);
        Assert.Contains($"checkpoint {checkpoint.Id} (anchored at ", finding.What, StringComparison.Ordinal);
        Assert.False(audit.Clean);

        var after = await VerifyAsync(pdf);
        Assert.False(after["valid"]!.GetValue<bool>(), after.ToJsonString());
        Assert.Equal("failed", after["anchor"]!["status"]!.GetValue<string>());
        Assert.Equal(checkpoint.Id, after["anchor"]!["checkpointId"]!.GetValue<long>());
        Assert.NotNull(after["anchor"]!["anchoredAt"]);
        Assert.Contains(after["problems"]!.AsArray(), p => p!.GetValue<string>().Contains($"session {session.Id}", StringComparison.Ordinal)
            && p.GetValue<string>().Contains($"checkpoint {checkpoint.Id} (anchored at", StringComparison.Ordinal));

        // The next checkpoint does not take the rewritten head: that would launder it.
        await MakeCheckpointAsync(allowNothingChanged: true);
        Assert.Single(await AllLeavesAsync(session.Id));

        var command = await ServiceProcess.RunAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Consent"] = factory.ConnectionString,
            ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
            ["CONSENT_DATA_DIR"] = factory.DataDirectory,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Signing__TimestampRootsPath"] = factory.TimestampRootsPath,
            ["Anchors__Directory"] = factory.AnchorDirectory,
        }, "audit");
        Assert.Equal(1, command.ExitCode);
        Assert.Contains($"session {session.Id} at event {changed} (checkpoint {checkpoint.Id}, anchored at ", command.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAttackerWhoAlsoRewritesTheCheckpointsLeavesAndRoot_IsCaughtByTheTsaTokenAndTheAnchorFile()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        var checkpoint = await MakeCheckpointAsync();

        await RewriteLastEventAsync(session.Id);
        await RewriteCheckpointAsync(checkpoint.Id, session.Id);

        var audit = await AuditAsync();
        var problems = audit.Checkpoints!.Problems.Where(p => p.CheckpointId == checkpoint.Id).ToList();
        Assert.Contains(problems, p => p.What.Contains("timestamp token covers", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.What.Contains("anchor file", StringComparison.Ordinal) && p.What.Contains("holds root", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.NotNull(p.AnchoredAt));
        var finding = Assert.Single(audit.Findings, f => f.SessionId == session.Id);
        Assert.Equal(checkpoint.Id, finding.CheckpointId);
        Assert.Contains($"checkpoint {checkpoint.Id} (anchored at ", finding.What, StringComparison.Ordinal);
        Assert.Contains("does not verify", finding.What, StringComparison.Ordinal);

        var report = await VerifyAsync(pdf);
        Assert.False(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        Assert.Equal("failed", report["anchor"]!["status"]!.GetValue<string>());
        Assert.Equal("disagrees", report["anchor"]!["anchorFile"]!.GetValue<string>());
        var covering = Assert.Single(report["anchor"]!["checkpoints"]!.AsArray());
        Assert.True(covering!["matchesChain"]!.GetValue<bool>(), "the forged leaf agrees with the forged chain");
        Assert.False(covering["checkpointVerified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AnAnchorFileTakenAway_OrTheFolderEmptied_IsReportedByTheAudit()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        await RecordSessions.CompleteAsync(driver);
        var checkpoint = await MakeCheckpointAsync();
        var aside = Path.Combine(Path.GetTempPath(), "consent-web-tests", "anchors-aside-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(aside);
        var moved = new List<string>();
        try
        {
            // What an attacker who re-made the checkpoint does with its file (an outside attack): the newest file goes.
            foreach (var file in Directory.EnumerateFiles(factory.AnchorDirectory, AnchorFiles.FileName(checkpoint.Id) + "*"))
            {
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
                moved.Add(Path.GetFileName(file));
            }

            Assert.NotEmpty(moved);
            var audit = await AuditAsync();
            Assert.Contains(audit.Checkpoints!.Problems, p => p.CheckpointId == checkpoint.Id && p.What.Contains("is missing from the anchor folder", StringComparison.Ordinal));

            // Every file gone.
            foreach (var file in Directory.EnumerateFiles(factory.AnchorDirectory))
            {
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
                moved.Add(Path.GetFileName(file));
            }

            audit = await AuditAsync();
            Assert.Contains(audit.Checkpoints!.Problems, p => p.What.Contains("holds no checkpoint file", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var name in moved)
            {
                File.Move(Path.Combine(aside, name), Path.Combine(factory.AnchorDirectory, name));
            }
        }

        var restored = await AuditAsync();
        Assert.DoesNotContain(restored.Checkpoints!.Problems, p => p.What.Contains("missing from the anchor folder", StringComparison.Ordinal) || p.What.Contains("holds no checkpoint file", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnHonestSessionChangedAfterACheckpoint_StillVerifies_ItsLaterEventsNotYetAnchored()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-0042");
        var patient = await driver.VerifyAsync(session);
        var checkpoint = await MakeCheckpointAsync();
        var leaf = Assert.Single(await AllLeavesAsync(session.Id));

        await driver.WalkAsync(patient, session);
        var countersign = await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{session.Id}/countersign",
            new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        Assert.Equal(HttpStatusCode.OK, countersign.StatusCode);
        var pdf = await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);

        var report = await VerifyAsync(pdf);
        Assert.True(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        var anchor = report["anchor"]!;
        Assert.Equal("anchored", anchor["status"]!.GetValue<string>());
        Assert.Equal(checkpoint.Id, anchor["checkpointId"]!.GetValue<long>());
        Assert.Equal(leaf.LastSeq, anchor["anchoredSeq"]!.GetValue<long>());
        Assert.True(anchor["eventsNotYetAnchored"]!.GetValue<long>() > 0);
        Assert.Empty(anchor["problems"]!.AsArray());

        var audit = await AuditAsync();
        Assert.DoesNotContain(audit.Findings, f => f.SessionId == session.Id);
        Assert.True(audit.Checkpoints!.SessionsNotYetAnchored >= 1);

        // The next checkpoint takes its newer head.
        var next = await MakeCheckpointAsync();
        Assert.Equal(2, (await AllLeavesAsync(session.Id)).Count);
        var again = await VerifyAsync(pdf);
        Assert.Equal(next.Id, again["anchor"]!["checkpointId"]!.GetValue<long>());
        Assert.Equal(0, again["anchor"]!["eventsNotYetAnchored"]!.GetValue<long>());
    }

    [Fact]
    public async Task ASessionDeletedOutrightAfterACheckpoint_IsReportedByTheAudit()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-0042");
        await driver.VerifyAsync(session);
        var checkpoint = await MakeCheckpointAsync();
        Assert.Single(await AllLeavesAsync(session.Id));

        // The database owner makes the session disappear: its events, its jobs and its row (outside attack, second round).
        await using (var owner = await factory.OpenOwnerDatabaseAsync())
        {
            await ExecuteAsync(owner, """
                ALTER TABLE consent_events DISABLE TRIGGER USER;
                DELETE FROM outbox_jobs WHERE session_id = @s;
                DELETE FROM consent_events WHERE session_id = @s;
                DELETE FROM consent_sessions WHERE id = @s;
                ALTER TABLE consent_events ENABLE TRIGGER USER;
                """, ("s", session.Id));
        }

        var audit = await AuditAsync();
        Assert.False(audit.Clean);
        Assert.Contains(audit.Checkpoints!.Problems, p => p.CheckpointId == checkpoint.Id
            && p.What.Contains($"session {session.Id}, which checkpoint {checkpoint.Id} anchored, no longer exists", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACheckpointWhoseTimestampIsNotFromWhenItWasMade_IsReported()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        await driver.VerifyAsync(await driver.StartAsync(mrn: "MRN-0042"));
        var checkpoint = await MakeCheckpointAsync();

        // As a checkpoint re-made later with a fresh token would look: its own time an hour before its token's.
        await using (var owner = await factory.OpenOwnerDatabaseAsync())
        {
            await ExecuteAsync(owner, """
                ALTER TABLE chain_checkpoints DISABLE TRIGGER USER;
                UPDATE chain_checkpoints SET created_at = created_at - interval '1 hour' WHERE id = @id;
                ALTER TABLE chain_checkpoints ENABLE TRIGGER USER;
                """, ("id", checkpoint.Id));
        }

        var audit = await AuditAsync();
        Assert.Contains(audit.Checkpoints!.Problems, p => p.CheckpointId == checkpoint.Id && p.What.Contains("is not from when it was made", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileTheTsaIsDown_NoCheckpointIsMade_AndTheNextOneCoversEverythingSince()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-0042");
        await MakeCheckpointAsync(allowNothingChanged: true);
        var before = await LatestIdAsync();
        await driver.VerifyAsync(session);

        factory.Tsa.Stop();
        try
        {
            using var scope = factory.Services.CreateScope();
            var attempt = await scope.ServiceProvider.GetRequiredService<CheckpointMaker>().MakeAsync(CancellationToken.None);
            Assert.Equal(CheckpointOutcome.AuthorityUnavailable, attempt.Outcome);
            Assert.Equal(before, await LatestIdAsync());
            Assert.Contains(factory.LogLines, l => l.Contains($"Chain checkpoint {before + 1} was not made", StringComparison.Ordinal));
        }
        finally
        {
            factory.Tsa.Start();
        }

        var made = await MakeCheckpointAsync();
        Assert.Equal(before + 1, made.Id);
        var head = await LastSeqAsync(session.Id);
        Assert.Contains(await LeavesAsync(made.Id), l => l.SessionId == session.Id && l.LastSeq == head);
    }

    [Fact]
    public async Task TheAnchorFile_VerifiesWithOpenssl_AndItsTokenWithOpensslTs()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        await driver.StartAsync(mrn: "MRN-0042");
        var checkpoint = await MakeCheckpointAsync();
        var json = Path.Combine(factory.AnchorDirectory, AnchorFiles.FileName(checkpoint.Id));
        Assert.Matches(@"checkpoint-\d{6}\.json$", json);

        var verified = ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", json + ".p7s", "-content", json, "-noverify", "-out", "/dev/null");
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("Verification successful", verified.All, StringComparison.Ordinal);

        var document = JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        Assert.Equal(checkpoint.Root, document["root"]!.GetValue<string>());
        Assert.Equal(checkpoint.Id, document["id"]!.GetValue<long>());
        var token = ExternalTool.TempFile(Convert.FromBase64String(document["timestamp"]!["token"]!.GetValue<string>()), ".tsr");
        var ts = ExternalTool.Run("openssl", "ts", "-verify", "-digest", checkpoint.Root, "-in", token, "-token_in", "-CAfile", factory.TimestampRootsPath);
        Assert.True(ts.ExitCode == 0, ts.All);

        // One changed byte, and the signature no longer holds.
        var forged = ExternalTool.TempFile(Encoding.UTF8.GetBytes((await File.ReadAllTextAsync(json)).Replace(checkpoint.Root, new string('0', 64), StringComparison.Ordinal)), ".json");
        var refused = ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", json + ".p7s", "-content", forged, "-noverify", "-out", "/dev/null");
        Assert.NotEqual(0, refused.ExitCode);

        // Never replaced.
        var existing = await DbCheckpointAsync(checkpoint.Id);
        using var scope = factory.Services.CreateScope();
        Assert.Throws<IOException>(() => AnchorFiles.Write(factory.AnchorDirectory, existing,
            scope.ServiceProvider.GetRequiredService<Consent.Web.SignedRecords.RecordSigning>().Certificate));
    }

    [Fact]
    public async Task NodesMakingACheckpointAtOnce_MakeItOnce_AndSessionsWrittenMeanwhileAreInTheNextOne()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await driver.StartAsync(mrn: "MRN-0042");
        var before = await LatestIdAsync();

        // Four nodes at once (each its own scope and connection), while the patient writes to the session.
        var nodes = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var scope = factory.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<CheckpointMaker>().MakeAsync(CancellationToken.None);
        }).ToList();
        var writing = driver.VerifyAsync(session);
        var attempts = await Task.WhenAll(nodes);
        await writing;

        // Each checkpoint is made by one node: the ids made are distinct and follow on without a gap. A second one is
        // made only when a node took the lock after the first committed and the patient had written meanwhile.
        Assert.All(attempts, a => Assert.Contains(a.Outcome, new[] { CheckpointOutcome.Made, CheckpointOutcome.Busy, CheckpointOutcome.NothingChanged }));
        var made = attempts.Where(a => a.Outcome == CheckpointOutcome.Made).Select(a => a.Checkpoint!.Id).Order().ToList();
        Assert.NotEmpty(made);
        Assert.Equal(Enumerable.Range(0, made.Count).Select(i => before + 1 + i), made);
        Assert.Equal(before + made.Count, await LatestIdAsync());

        // Whatever the patient's write committed after that checkpoint's snapshot is in the next one, with the newer head.
        var next = await MakeCheckpointAsync(allowNothingChanged: true);
        var head = await LastSeqAsync(session.Id);
        Assert.Equal(head, (await AllLeavesAsync(session.Id))[^1].LastSeq);
        Assert.True(next.Id >= before + made.Count);
    }

    [Theory]
    [InlineData("UPDATE chain_checkpoints SET root = repeat('0', 64)")]
    [InlineData("DELETE FROM chain_checkpoints")]
    [InlineData("TRUNCATE chain_checkpoints CASCADE")]
    [InlineData("UPDATE chain_checkpoint_leaves SET last_hash = repeat('0', 64)")]
    [InlineData("DELETE FROM chain_checkpoint_leaves")]
    [InlineData("TRUNCATE chain_checkpoint_leaves")]
    public async Task TheCheckpointTables_AreAppendOnly_ForTheOwnerAndTheRuntimeRole(string sql)
    {
        var driver = await PatientDriver.CreateAsync(factory);
        await driver.StartAsync(mrn: "MRN-0042");
        await MakeCheckpointAsync(allowNothingChanged: true);
        foreach (var open in new[] { factory.OpenOwnerDatabaseAsync, factory.OpenDatabaseAsync })
        {
            await using var connection = await open();
            await using var command = new NpgsqlCommand(sql, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains(refused.SqlState, new[] { PostgresErrorCodes.InsufficientPrivilege });
        }
    }

    [Fact]
    public void TheTree_IsRfc6962_OverTheCanonicalLeaves_AndTheRootCoversThePreviousRoot()
    {
        static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());
        var a = Guid.Parse("0f000000-0000-4000-8000-000000000001");
        var b = Guid.Parse("a0000000-0000-4000-8000-000000000002");
        var leaves = CheckpointTree.Order([(b, 7, new string('b', 64)), (a, 3, new string('a', 64))], 12, new string('c', 64));
        Assert.Equal([a, b, null], leaves.Select(l => l.SessionId));
        var l0 = H([0], Encoding.ASCII.GetBytes($"session 0f000000-0000-4000-8000-000000000001 3 {new string('a', 64)}"));
        var l1 = H([0], Encoding.ASCII.GetBytes($"session a0000000-0000-4000-8000-000000000002 7 {new string('b', 64)}"));
        var l2 = H([0], Encoding.ASCII.GetBytes($"system 12 {new string('c', 64)}"));
        Assert.Equal(Convert.ToHexStringLower(H([1], H([1], l0, l1), l2)), CheckpointTree.TreeRoot(leaves));

        var at = new DateTimeOffset(2026, 12, 2, 16, 0, 0, TimeSpan.Zero).AddTicks(1234560);
        var tree = CheckpointTree.TreeRoot(leaves);
        var body = $"{{\"createdAt\":\"2026-12-02T16:00:00.123456Z\",\"id\":5,\"leafCount\":3,\"previousRoot\":\"{new string('d', 64)}\",\"treeRoot\":\"{tree}\",\"version\":1}}";
        Assert.Equal(body, CheckpointTree.Body(5, at, 3, new string('d', 64), tree));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), CheckpointTree.Root(5, at, 3, new string('d', 64), tree));
        Assert.NotEqual(CheckpointTree.Root(5, at, 3, new string('d', 64), tree), CheckpointTree.Root(5, at, 3, new string('e', 64), tree));
    }

    private async Task<ChainCheckpoint> MakeCheckpointAsync(bool allowNothingChanged = false)
    {
        using var scope = factory.Services.CreateScope();
        var attempt = await scope.ServiceProvider.GetRequiredService<CheckpointMaker>().MakeAsync(CancellationToken.None);
        if (allowNothingChanged && attempt.Outcome == CheckpointOutcome.NothingChanged)
        {
            return await DbCheckpointAsync(await LatestIdAsync());
        }

        Assert.True(attempt.Outcome == CheckpointOutcome.Made, $"{attempt.Outcome}: {attempt.Problem}");
        Assert.NotNull(attempt.AnchorFile);
        return attempt.Checkpoint!;
    }

    private async Task<AuditReport> AuditAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
    }

    private async Task<T> WithDbAsync<T>(Func<ConsentDbContext, Task<T>> read)
    {
        using var scope = factory.Services.CreateScope();
        return await read(scope.ServiceProvider.GetRequiredService<ConsentDbContext>());
    }

    private Task<long> LatestIdAsync() => WithDbAsync(db => db.ChainCheckpoints.Select(c => c.Id).DefaultIfEmpty().MaxAsync());

    private Task<ChainCheckpoint> DbCheckpointAsync(long id) => WithDbAsync(db => db.ChainCheckpoints.AsNoTracking().SingleAsync(c => c.Id == id));

    private Task<List<ChainCheckpointLeaf>> LeavesAsync(long checkpointId) =>
        WithDbAsync(db => db.ChainCheckpointLeaves.AsNoTracking().Where(l => l.CheckpointId == checkpointId).ToListAsync());

    private Task<List<ChainCheckpointLeaf>> AllLeavesAsync(Guid sessionId) =>
        WithDbAsync(db => db.ChainCheckpointLeaves.AsNoTracking().Where(l => l.SessionId == sessionId).OrderBy(l => l.CheckpointId).ToListAsync());

    private Task<long> LastSeqAsync(Guid sessionId) => WithDbAsync(db => db.Sessions.Where(s => s.Id == sessionId).Select(s => s.LastSeq).SingleAsync());

    private Task<List<ConsentEvent>> EventsAsync(Guid sessionId) =>
        WithDbAsync(db => db.Events.AsNoTracking().Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync());

    private async Task<bool> ChainAloneVerifiesAsync(Guid sessionId)
    {
        var lastSeq = await LastSeqAsync(sessionId);
        var lastHash = await WithDbAsync(db => db.Sessions.Where(s => s.Id == sessionId).Select(s => s.LastHash).SingleAsync());
        return EventChain.Verify(await EventsAsync(sessionId), lastSeq, lastHash, factory.Services.GetRequiredService<EventSeals>()).Verified;
    }

    /// <summary>
    /// The attack, as the owner role holding the seal key: the last event (RecordIssued, after the event the signed record
    /// names) gets another payload, its hash and seal are recomputed, and the session row's last hash follows. No record,
    /// seal or link disagrees: only the checkpoint can.
    /// </summary>
    private async Task<long> RewriteLastEventAsync(Guid sessionId)
    {
        var events = await EventsAsync(sessionId);
        var target = events[^1];
        var payload = JsonNode.Parse(target.Payload)!.AsObject();
        payload["note"] = "rewritten by the owner";
        target.Payload = payload.ToJsonString();
        EventChain.Seal(target, target.PrevHash);
        factory.Services.GetRequiredService<EventSeals>().Seal(target);

        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await ExecuteAsync(owner, "ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete");
        await ExecuteAsync(owner, "UPDATE consent_events SET payload = @payload::jsonb, hash = @hash, seal = @seal WHERE session_id = @s AND seq = @seq",
            ("payload", target.Payload), ("hash", target.Hash), ("seal", target.Seal!), ("s", sessionId), ("seq", target.Seq));
        await ExecuteAsync(owner, "UPDATE consent_sessions SET last_hash = @hash WHERE id = @s", ("hash", target.Hash), ("s", sessionId));
        await ExecuteAsync(owner, "ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete");
        await transaction.CommitAsync();
        return target.Seq;
    }

    /// <summary>The attacker goes on: the checkpoint's leaf for the session, its tree root and root recomputed to match the rewrite.</summary>
    private async Task RewriteCheckpointAsync(long checkpointId, Guid sessionId)
    {
        var checkpoint = await DbCheckpointAsync(checkpointId);
        var leaves = await LeavesAsync(checkpointId);
        var newHash = (await EventsAsync(sessionId))[^1].Hash;
        var rewritten = leaves.Select(l => (l.SessionId, l.LastSeq, l.SessionId == sessionId ? newHash : l.LastHash.Trim()));
        var tree = CheckpointTree.TreeRoot(CheckpointTree.Order(rewritten, checkpoint.SystemSeq, checkpoint.SystemHash.Trim()));
        var root = CheckpointTree.Root(checkpoint.Id, checkpoint.CreatedAt, checkpoint.LeafCount, checkpoint.PreviousRoot.Trim(), tree);

        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        await ExecuteAsync(owner, "ALTER TABLE chain_checkpoints DISABLE TRIGGER chain_checkpoints_no_update_or_delete");
        await ExecuteAsync(owner, "ALTER TABLE chain_checkpoint_leaves DISABLE TRIGGER chain_checkpoint_leaves_no_update_or_delete");
        await ExecuteAsync(owner, "UPDATE chain_checkpoint_leaves SET last_hash = @hash WHERE checkpoint_id = @c AND session_id = @s",
            ("hash", newHash), ("c", checkpointId), ("s", sessionId));
        await ExecuteAsync(owner, "UPDATE chain_checkpoints SET tree_root = @tree, root = @root WHERE id = @c", ("tree", tree), ("root", root), ("c", checkpointId));
        await ExecuteAsync(owner, "ALTER TABLE chain_checkpoint_leaves ENABLE TRIGGER chain_checkpoint_leaves_no_update_or_delete");
        await ExecuteAsync(owner, "ALTER TABLE chain_checkpoints ENABLE TRIGGER chain_checkpoints_no_update_or_delete");
        await transaction.CommitAsync();
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
