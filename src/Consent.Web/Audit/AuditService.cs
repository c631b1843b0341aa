using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Audit;

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
public sealed class AuditService(ConsentDbContext db, TimeProvider clock, EventSeals seals, SystemEvents.SystemEventReads systemEvents, Checkpoints.CheckpointVerifier checkpoints, RecordEvidenceStore evidence)
{
    private const int Batch = 200;

    public async Task<AuditReport> RunAsync(CancellationToken ct)
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
        while (true)
        {
            // One snapshot per page of sessions for their heads, events and records. A record commits
            // with its RecordIssued event; read in separate snapshots, a record issued in between was
            // seen without its event and raised a false tamper alarm on an honest session.
            await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
            var page = await db.Sessions.AsNoTracking()
                .Where(s => after == null || s.Id.CompareTo(after.Value) > 0)
                .OrderBy(s => s.Id).Take(Batch)
                .ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            var ids = page.Select(p => p.Id).ToList();
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
                if (verification.IsIntact && SignedChainHeads.Compare(record.SessionId, record.Kind, verification, chains.GetValueOrDefault(record.SessionId) ?? []) is { } broken)
                {
                    findings.Add(new AuditFinding(record.SessionId, broken.Problem!, broken.BrokenAtSeq, record.Id));
                }
            }

            await snapshot.CommitAsync(ct);
            after = page[^1].Id;
        }

        var systemChain = await systemEvents.VerifyAsync(ct);
        return new AuditReport(clock.GetUtcNow(), sessions, events, records, findings, systemChain,
            checkpointCheck with { SessionsAnchored = anchoredSessions, SessionsNotYetAnchored = notYetAnchored, EventsNotYetAnchored = eventsNotYetAnchored });
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
