using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.SignedRecords;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Audit;

/// <summary>Which sessions an audit reads: all of them, or those changed since their verified point (and a sweep slice).</summary>
public enum AuditMode
{
    Full,
    Incremental,
}

/// <summary>
/// Checks the whole audit trail: every session's hash chain (the same routine as the API) and every
/// stored record — its bytes hash to the stored SHA-256, its signature verifies and covers the
/// whole file, it names its session, the chain has a RecordIssued event for exactly those bytes, and
/// the chain's event the record was signed over still has the hash it was signed with.
/// </summary>
/// <remarks>It also verifies the system audit trail's chain (staff actions and reads, <see cref="SystemEvents.SystemEventReads"/>).</remarks>
/// <remarks>
/// And the anchored chain checkpoints (docs/checkpoints.md): each checkpoint once (link, leaves, root, TSA token, anchor
/// file), then each session's events against every checkpoint that covers it, in the same page snapshot as its events.
/// </remarks>
/// <remarks>
/// <para>Audit points (<see cref="AuditPoint"/>, table <c>audit_points</c>, append-only): when a session's head is not
/// that of its latest point, or its chain no longer verifies, the run appends a point: the head, and whether the chain
/// verified (hashes, seals, links, the row against what the chain sealed, the checkpoints covering it, the chain heads
/// its records were signed over), sealed under a key derived from the key-encryption certificate. Every run checks that
/// a session's chain still has, at its latest verified point's sequence number, that point's hash: a chain rewritten
/// consistently and re-sealed after an audit passed it is reported even when no signed record and no checkpoint
/// covers it.</para>
/// <para>The incremental run (<see cref="AuditMode.Incremental"/>, the <c>audit</c> command's default) reads only the
/// sessions whose latest point is not a verified one at their current head (new, changed, never verified, found broken
/// before, or whose point's seal does not hold), plus one slice in <see cref="SweepSlices"/> of the others by the hour,
/// so each unchanged session is also read in full at least once a day when the audit runs hourly: a change that left
/// the head alone (an event edited in place without recomputing its hash, a record file swapped) is found by the sweep
/// or by a full run (the periodic monitor's, or <c>audit --full</c>).</para>
/// </remarks>
public sealed class AuditService(ConsentDbContext db, TimeProvider clock, EventSeals seals, SystemEvents.SystemEventReads systemEvents, Checkpoints.CheckpointVerifier checkpoints, RecordEvidenceStore evidence, KeyEncryption certificates)
{
    private const int Batch = 200;

    /// <summary>An incremental run also reads, in full, the unchanged sessions of one slice in this many (by the hour).</summary>
    public const int SweepSlices = 24;

    private readonly CertificateMac pointSeals = new(certificates, "Consent audit point v1");

    /// <summary>Checks every session (the periodic monitor and the tests): <see cref="AuditMode.Full"/>.</summary>
    public Task<AuditReport> RunAsync(CancellationToken ct) => RunAsync(AuditMode.Full, ct);

    public async Task<AuditReport> RunAsync(AuditMode mode, CancellationToken ct)
    {
        var findings = new List<AuditFinding>();
        var sessions = 0;
        var events = 0;
        var records = 0;
        Guid? after = null;
        // Checkpoints first: a checkpoint made while the audit runs is left for the next run (its leaves are filtered out below).
        var (checkpointCheck, checkpointResults) = await checkpoints.VerifyAllAsync(ct);
        var latestCheckpoint = checkpointCheck.LatestId ?? 0;
        var anchoredSessions = 0;
        var notYetAnchored = 0;
        long eventsNotYetAnchored = 0;
        var started = clock.GetUtcNow();
        // Incremental: the sessions to read, in id order; the others are unchanged since their (sealed) verified point.
        var due = mode == AuditMode.Incremental ? await DueSessionsAsync(started, findings, ct) : null;
        var next = 0;
        while (true)
        {
            List<Guid>? dueIds = null;
            if (due is not null)
            {
                if (next >= due.Count)
                {
                    break;
                }

                dueIds = due.GetRange(next, Math.Min(Batch, due.Count - next));
                next += dueIds.Count;
            }

            // One snapshot per page of sessions for their heads, events and records. A record commits
            // with its RecordIssued event; read in separate snapshots, a record issued in between was
            // seen without its event and raised a false tamper alarm on an honest session.
            await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            var page = dueIds is not null
                ? await db.Sessions.AsNoTracking().Where(s => dueIds.Contains(s.Id)).OrderBy(s => s.Id).ToListAsync(ct)
                : await db.Sessions.AsNoTracking()
                    .Where(s => after == null || s.Id.CompareTo(after.Value) > 0)
                    .OrderBy(s => s.Id).Take(Batch)
                    .ToListAsync(ct);
            if (page.Count == 0)
            {
                if (dueIds is not null)
                {
                    continue;
                }

                break;
            }

            var ids = page.Select(p => p.Id).ToList();
            var (points, latest) = await LatestPointsAsync(ids, ct);
            var chainFindings = findings.Count;
            var broken = new HashSet<Guid>();
            var rows = await db.Events.AsNoTracking().Where(e => ids.Contains(e.SessionId)).OrderBy(e => e.SessionId).ThenBy(e => e.Seq).ToListAsync(ct);
            var chains = rows.GroupBy(e => e.SessionId).ToDictionary(g => g.Key, g => g.ToList());
            var leaves = (await db.ChainCheckpointLeaves.AsNoTracking().Where(l => ids.Contains(l.SessionId) && l.CheckpointId <= latestCheckpoint).ToListAsync(ct))
                .ToLookup(l => l.SessionId);
            var issued = new Dictionary<(Guid, string), string>();
            foreach (var session in page)
            {
                var chain = chains.GetValueOrDefault(session.Id) ?? [];
                var check = PatientBinding.Verify(session, chain, seals);
                if (!check.Verified)
                {
                    findings.Add(new AuditFinding(session.Id, check.Problem ?? "the event chain does not verify", check.BrokenAtSeq));
                }

                foreach (var e in chain.Where(e => e.Type == EventTypes.RecordIssued))
                {
                    if (JsonNode.Parse(e.Payload) is JsonObject payload && RecordIssuedPayload.From(payload) is { Kind.Length: > 0, Sha256.Length: > 0 } record)
                    {
                        issued[(session.Id, record.Kind)] = record.Sha256;
                    }
                }

                var anchor = Checkpoints.CheckpointVerifier.Check(session.Id, chain, [.. leaves[session.Id]], checkpointResults);
                foreach (var report in anchor.Checkpoints.Where(c => c.Problem is not null))
                {
                    findings.Add(new AuditFinding(session.Id, report.Problem!, report.Seq, CheckpointId: report.Id, AnchoredAt: report.AnchoredAt));
                }

                // The point an earlier audit verified: the chain must still have its hash at its sequence number.
                if (points.GetValueOrDefault(session.Id) is { } point && findings.Skip(chainFindings).All(f => f.SessionId != session.Id)
                    && PointProblem(session.Id, point, chain) is { } moved)
                {
                    findings.Add(moved);
                }

                anchoredSessions += anchor.CheckpointId is null ? 0 : 1;
                notYetAnchored += anchor.EventsNotYetAnchored > 0 ? 1 : 0;
                eventsNotYetAnchored += anchor.EventsNotYetAnchored;
                sessions++;
                events += chain.Count;
            }

            // One PDF in memory at a time, still inside the page's snapshot.
            var recordIds = await db.Records.AsNoTracking().Where(r => ids.Contains(r.SessionId)).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
            foreach (var id in recordIds)
            {
                var record = await db.Records.AsNoTracking().SingleAsync(r => r.Id == id, ct);
                records++;
                var verification = RecordVerifier.Verify(record.Pdf, null);
                findings.AddRange(CheckRecord(record, verification, issued));
                findings.AddRange(await CheckEvidenceAsync(record, ct));
                // The record was signed over an event's hash; a chain rewritten since, hashes recomputed, no longer has it.
                if (verification.IsIntact && SignedChainHeads.Compare(record.SessionId, record.Kind, verification, chains.GetValueOrDefault(record.SessionId) ?? []) is { } rewritten)
                {
                    findings.Add(new AuditFinding(record.SessionId, rewritten.Problem!, rewritten.BrokenAtSeq, record.Id));
                    broken.Add(record.SessionId);
                }
            }

            await snapshot.CommitAsync(ct);
            after = page[^1].Id;

            // A point for each session whose head or state is not its latest point's: verified when its chain checked out (a
            // problem with a record file alone is reported, but does not hold back the chain's point), after the page's
            // snapshot, so that two audits running at once do not wait on each other.
            broken.UnionWith(findings.Skip(chainFindings).Where(f => f.RecordId is null).Select(f => f.SessionId));
            var verified = page.Where(s => s.LastSeq > 0 && (latest.GetValueOrDefault(s.Id) is not { } p
                || p.LastSeq != s.LastSeq || !string.Equals(p.LastHash, s.LastHash, StringComparison.Ordinal) || p.Verified == broken.Contains(s.Id)))
                .Select(s => (s, !broken.Contains(s.Id))).ToList();
            await StorePointsAsync(verified, started, ct);
        }

        var systemChain = await systemEvents.VerifyAsync(ct);
        return new AuditReport(clock.GetUtcNow(), sessions, events, records, findings, systemChain,
            checkpointCheck with { SessionsAnchored = anchoredSessions, SessionsNotYetAnchored = notYetAnchored, EventsNotYetAnchored = eventsNotYetAnchored })
        {
            Mode = mode,
            SessionsUnchanged = due is null ? 0 : unchanged,
            SweepSlice = SliceAt(started),
        };
    }

    private int unchanged;

    /// <summary>The sweep slice of the hour <paramref name="now"/> falls in.</summary>
    public static int SliceAt(DateTimeOffset now) => (int)(now.ToUnixTimeSeconds() / 3600 % SweepSlices);

    /// <summary>Whether an incremental run in <paramref name="slice"/> reads the session even when it is unchanged.</summary>
    public static bool InSweep(Guid session, int slice) => (uint)session.GetHashCode() % SweepSlices == slice;

    /// <summary>The canonical text a point's seal covers: ASCII, single spaces.</summary>
    private static string PointText(Guid session, long seq, string hash, bool verified) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"audit point {session:D} {seq} {hash} {(verified ? "verified" : "failed")}");

    /// <summary>
    /// The incremental run's sessions, in id order: every session whose latest point is not a verified one at its current
    /// head, or that has none, or whose point's seal does not hold (a finding), and the unchanged sessions of this hour's sweep slice.
    /// </summary>
    private async Task<List<Guid>> DueSessionsAsync(DateTimeOffset now, List<AuditFinding> findings, CancellationToken ct)
    {
        var slice = SliceAt(now);
        var due = new List<Guid>();
        unchanged = 0;
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }

        try
        {
            // One pass over the session heads, each with its latest point (index (session_id, id), descending).
            await using var command = new Npgsql.NpgsqlCommand("""
                SELECT s.id, s.last_seq, s.last_hash, p.last_seq, p.last_hash, p.seal_key, p.seal, p.verified
                FROM consent_sessions s
                LEFT JOIN LATERAL (SELECT last_seq, last_hash, seal_key, seal, verified FROM audit_points a
                                   WHERE a.session_id = s.id ORDER BY a.id DESC LIMIT 1) p ON true
                ORDER BY s.id
                """, connection);
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                if (reader.IsDBNull(3))
                {
                    due.Add(id);
                    continue;
                }

                var seq = reader.GetInt64(3);
                var hash = reader.GetString(4);
                var pointVerified = reader.GetBoolean(7);
                if (pointSeals.Check($"{reader.GetString(5)}:{reader.GetString(6)}", PointText(id, seq, hash, pointVerified)) != SealState.Holds)
                {
                    findings.Add(new AuditFinding(id, $"the audit's verified point for session {id} at event {seq} is not sealed by this service: it was written outside the audit", seq));
                    due.Add(id);
                }
                else if (!pointVerified || seq != reader.GetInt64(1) || !string.Equals(hash, reader.GetString(2), StringComparison.Ordinal)
                    || InSweep(id, slice))
                {
                    due.Add(id);
                }
                else
                {
                    unchanged++;
                }
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }

        return due;
    }

    /// <summary>
    /// Of each session's points whose seal holds (one that does not was reported when an incremental run began), the latest
    /// verified one (what the chain must still agree with) and the latest of all (whether this run appends a point).
    /// </summary>
    private async Task<(Dictionary<Guid, AuditPoint> Verified, Dictionary<Guid, AuditPoint> Latest)> LatestPointsAsync(List<Guid> ids, CancellationToken ct)
    {
        var rows = (await db.AuditPoints.AsNoTracking().Where(p => ids.Contains(p.SessionId)).ToListAsync(ct))
            .Where(p => pointSeals.Check($"{p.SealKey}:{p.Seal}", PointText(p.SessionId, p.LastSeq, p.LastHash, p.Verified)) == SealState.Holds).ToList();
        return (rows.Where(p => p.Verified).GroupBy(p => p.SessionId).ToDictionary(g => g.Key, g => g.MaxBy(p => p.Id)!),
            rows.GroupBy(p => p.SessionId).ToDictionary(g => g.Key, g => g.MaxBy(p => p.Id)!));
    }

    private static AuditFinding? PointProblem(Guid session, AuditPoint point, List<ConsentEvent> chain)
    {
        var verifiedAt = point.VerifiedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (point.LastSeq > chain.Count)
        {
            return new AuditFinding(session,
                $"the chain of session {session} ends at event {chain.Count}, but the audit of {verifiedAt} verified it up to event {point.LastSeq}: events were removed after it was verified",
                chain.Count + 1);
        }

        var e = chain[(int)point.LastSeq - 1];
        return e.Seq == point.LastSeq && string.Equals(e.Hash, point.LastHash, StringComparison.Ordinal) ? null
            : new AuditFinding(session,
                $"the audit of {verifiedAt} verified session {session} up to event {point.LastSeq} with hash {point.LastHash}, but the stored event {point.LastSeq} has hash {e.Hash}: the chain was rewritten after it was verified",
                point.LastSeq);
    }

    private async Task StorePointsAsync(List<(ConsentSession Session, bool Verified)> points, DateTimeOffset at, CancellationToken ct)
    {
        if (points.Count == 0)
        {
            return;
        }

        var sealsMade = points.Select(p => pointSeals.Seal(PointText(p.Session.Id, p.Session.LastSeq, p.Session.LastHash, p.Verified)).Split(':')).ToList();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO audit_points (session_id, last_seq, last_hash, verified, verified_at, seal_key, seal)
            SELECT * FROM unnest({points.Select(p => p.Session.Id).ToArray()}, {points.Select(p => p.Session.LastSeq).ToArray()},
                {points.Select(p => p.Session.LastHash).ToArray()}, {points.Select(p => p.Verified).ToArray()}, {points.Select(_ => at).ToArray()},
                {sealsMade.Select(p => p[0]).ToArray()}, {sealsMade.Select(p => p[1]).ToArray()})
            """, ct);
    }

    /// <summary>
    /// The record's evidence versions (SignedRecords/RecordEvidenceJob.cs): each, appended to the ones before, hashes to
    /// its stored SHA-256, and the newest file is intact: its updates after the signature only add validation data and
    /// document time-stamps, each of which verifies.
    /// </summary>
    private async Task<List<AuditFinding>> CheckEvidenceAsync(StoredRecord record, CancellationToken ct)
    {
        var findings = new List<AuditFinding>();
        var versions = await db.RecordEvidence.AsNoTracking().Where(v => v.RecordId == record.Id && v.Version > 0).OrderBy(v => v.Version).ToListAsync(ct);
        if (versions.Count == 0)
        {
            return findings;
        }

        using var file = new MemoryStream();
        file.Write(record.Pdf);
        foreach (var version in versions)
        {
            if (!evidence.SealHolds(version))
            {
                findings.Add(new AuditFinding(record.SessionId, $"record {record.Kind}: evidence version {version.Version} is not sealed by this service", RecordId: record.Id));
                return findings;
            }

            file.Write(version.Appended);
            if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(file.GetBuffer().AsSpan(0, (int)file.Length))), version.Sha256, StringComparison.Ordinal))
            {
                findings.Add(new AuditFinding(record.SessionId, $"record {record.Kind}: evidence version {version.Version} no longer hashes to its stored SHA-256", RecordId: record.Id));
                return findings;
            }
        }

        var latest = RecordVerifier.Verify(file.ToArray(), null);
        if (!latest.IsIntact || latest.Problems.Any(p => !p.StartsWith("No trusted certificate", StringComparison.Ordinal)))
        {
            findings.Add(new AuditFinding(record.SessionId,
                $"record {record.Kind}: evidence version {versions[^1].Version} does not verify ({string.Join("; ", latest.Problems)})", RecordId: record.Id));
        }

        return findings;
    }

    private static IEnumerable<AuditFinding> CheckRecord(StoredRecord record, RecordVerification verification, Dictionary<(Guid, string), string> issued)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(record.Pdf));
        if (!string.Equals(sha, record.Sha256, StringComparison.Ordinal))
        {
            yield return new AuditFinding(record.SessionId, $"record {record.Kind}: its bytes no longer hash to the stored SHA-256", RecordId: record.Id);
        }

        if (!verification.IsIntact)
        {
            yield return new AuditFinding(record.SessionId,
                $"record {record.Kind}: signature does not verify ({string.Join("; ", verification.Problems)})", RecordId: record.Id);
        }

        if (verification.SessionId is { } named && named != record.SessionId)
        {
            yield return new AuditFinding(record.SessionId, $"record {record.Kind}: the PDF names another session ({named})", RecordId: record.Id);
        }

        if (!issued.TryGetValue((record.SessionId, record.Kind), out var chained) || !string.Equals(chained, record.Sha256, StringComparison.Ordinal))
        {
            yield return new AuditFinding(record.SessionId, $"record {record.Kind}: no RecordIssued event in the chain names these bytes", RecordId: record.Id);
        }
    }
}
