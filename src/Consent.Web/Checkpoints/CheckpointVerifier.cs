using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Settings;
using Consent.Web.SignedRecords;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Consent.Web.Checkpoints;

/// <summary>One checkpoint checked: its link to the one before, leaves, root, TSA token, system trail head and anchor file.</summary>
/// <param name="AnchoredAt">The TSA token's genTime (null when the token cannot be read).</param>
/// <param name="AnchorFile">What its anchor file says (<see cref="AnchorFileStatus"/>).</param>
public sealed record CheckpointResult(
    long Id, DateTimeOffset CreatedAt, DateTimeOffset? AnchoredAt, string Authority, string Root, bool Verified, string AnchorFile, IReadOnlyList<string> Problems);

/// <summary>A checkpoint that does not hold: which, when it was anchored, and why.</summary>
public sealed record CheckpointProblem(long CheckpointId, DateTimeOffset? AnchoredAt, string What);

/// <summary>The checkpoint chain as the audit reports it, and how far the sessions are anchored.</summary>
/// <param name="SessionsNotYetAnchored">Sessions with events after their latest anchored head (or none anchored): not a failure.</param>
public sealed record CheckpointChainCheck(
    bool Verified, int CheckpointsChecked, long? LatestId, DateTimeOffset? LatestAnchoredAt, int AnchorFilesMatched,
    IReadOnlyList<CheckpointProblem> Problems, int SessionsAnchored = 0, int SessionsNotYetAnchored = 0, long EventsNotYetAnchored = 0);

/// <summary>One checkpoint's word on a session: the head it anchored and whether the chain still has it.</summary>
/// <param name="Problem">Why it fails for this session (null when it holds).</param>
public sealed record SessionCheckpointReport(long Id, DateTimeOffset? AnchoredAt, long Seq, string Hash, bool MatchesChain, bool CheckpointVerified, string AnchorFile, string? Problem);

/// <summary>
/// How a session stands against the checkpoints: <c>anchored</c> (every checkpoint that covers it holds and the chain has the
/// heads they anchored), <c>failed</c> (one does not: see <see cref="Problems"/>), or <c>not-yet-anchored</c> (no checkpoint
/// covers it yet). The latest covering checkpoint is named; events after its head are <see cref="EventsNotYetAnchored"/>.
/// </summary>
public sealed record SessionAnchorReport(
    string Status, long? CheckpointId, DateTimeOffset? AnchoredAt, string? Authority, long? AnchoredSeq, string? AnchoredHash,
    long EventsNotYetAnchored, string? AnchorFile, IReadOnlyList<SessionCheckpointReport> Checkpoints, IReadOnlyList<string> Problems)
{
    public const string Anchored = "anchored";
    public const string Failed = "failed";
    public const string NotYetAnchored = "not-yet-anchored";
}

/// <summary>
/// Verifies the chain checkpoints (docs/checkpoints.md) once each, then each session's events against the checkpoints that
/// cover it: the event at every leaf's seq must still have the leaf's hash.
/// </summary>
public sealed class CheckpointVerifier(ConsentDbContext db, RecordTimestamping timestamping, RecordSigning signing, IOptions<AnchorOptions> anchors)
{
    private const int Page = 100;

    private string? Directory => anchors.Value.Directory is { Length: > 0 } d ? Path.GetFullPath(d) : null;

    /// <summary>How long after it is made a checkpoint's time-stamp may be: the maker asks the TSA right away (with its timeout).</summary>
    private static readonly TimeSpan MaxStampDelay = TimeSpan.FromMinutes(5);

    /// <summary>How far before the checkpoint's own time its TSA's clock may be.</summary>
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(2);

    /// <summary>Every checkpoint in id order, a page at a time (each TSA token verified once), and the anchor files the database lacks.</summary>
    public async Task<(CheckpointChainCheck Check, IReadOnlyDictionary<long, CheckpointResult> Results)> VerifyAllAsync(CancellationToken ct)
    {
        var results = new Dictionary<long, CheckpointResult>();
        var problems = new List<CheckpointProblem>();
        ChainCheckpoint? previous = null;
        long after = 0;
        while (true)
        {
            var page = await db.ChainCheckpoints.AsNoTracking().Where(c => c.Id > after).OrderBy(c => c.Id).Take(Page).ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }

            var checkedPage = await VerifyPageAsync(page, previous, ct);
            foreach (var result in checkedPage)
            {
                results[result.Id] = result;
                problems.AddRange(result.Problems.Select(p => new CheckpointProblem(result.Id, result.AnchoredAt, p)));
            }

            previous = page[^1];
            after = previous.Id;
        }

        // A checkpoint removed from the database (the newest ones, by someone who holds the owner's rights) still has its file.
        foreach (var id in AnchorFiles.Ids(Directory).Where(id => !results.ContainsKey(id)))
        {
            problems.Add(new CheckpointProblem(id, null, $"the anchor file {AnchorFiles.FileName(id)} names checkpoint {id}, which the database does not have"));
        }

        // Anchor files are written once and never removed (the folder is copied off-site, not moved: docs/checkpoints.md). A
        // checkpoint whose file is gone, from the first one the folder has a file for on, is a problem, and so is an empty
        // folder while the database has checkpoints: an outside attack re-made a checkpoint over a rewritten chain, with a
        // fresh genuine token, and took its file away, and the audit was clean. Checkpoints made before the folder was
        // configured have no file and are not expected to.
        if (Directory is not null && results.Count > 0)
        {
            var files = AnchorFiles.Ids(Directory);
            if (files.Count == 0)
            {
                var newest = results[results.Keys.Max()];
                problems.Add(new CheckpointProblem(newest.Id, newest.AnchoredAt,
                    $"the anchor folder holds no checkpoint file, though the database has {results.Count} checkpoint(s) and files are never removed"));
            }
            else
            {
                var first = files[0];
                foreach (var missing in results.Values.Where(r => r.Id >= first && r.AnchorFile == AnchorFileStatus.Absent).OrderBy(r => r.Id))
                {
                    problems.Add(new CheckpointProblem(missing.Id, missing.AnchoredAt,
                        $"its anchor file {AnchorFiles.FileName(missing.Id)} is missing from the anchor folder, which holds the files from checkpoint {first} on"));
                }
            }
        }

        // A session a checkpoint anchored must still exist: deleting a session outright (events, records, row) leaves its leaves.
        var vanished = await db.ChainCheckpointLeaves.AsNoTracking()
            .Where(l => !db.Sessions.Any(s => s.Id == l.SessionId))
            .GroupBy(l => l.SessionId).Select(g => new { SessionId = g.Key, CheckpointId = g.Max(l => l.CheckpointId) })
            .OrderBy(v => v.SessionId).Take(1000).ToListAsync(ct);
        foreach (var gone in vanished)
        {
            var at = results.TryGetValue(gone.CheckpointId, out var r) ? r.AnchoredAt : null;
            problems.Add(new CheckpointProblem(gone.CheckpointId, at, $"session {gone.SessionId}, which checkpoint {gone.CheckpointId} anchored, no longer exists"));
        }

        var latest = previous is null ? null : results[previous.Id];
        return (new CheckpointChainCheck(problems.Count == 0, results.Count, latest?.Id, latest?.AnchoredAt,
            results.Values.Count(r => r.AnchorFile == AnchorFileStatus.Matches), problems), results);
    }

    /// <summary>The checkpoints that cover one session (and each one's link to the one before), and the session checked against them.</summary>
    public async Task<SessionAnchorReport> VerifySessionAsync(Guid sessionId, IReadOnlyList<ConsentEvent> events, CancellationToken ct)
    {
        var leaves = await db.ChainCheckpointLeaves.AsNoTracking().Where(l => l.SessionId == sessionId).OrderBy(l => l.CheckpointId).ToListAsync(ct);
        var ids = leaves.Select(l => l.CheckpointId).ToList();
        var wanted = ids.Concat(ids.Select(i => i - 1)).Distinct().ToList();
        var loaded = await db.ChainCheckpoints.AsNoTracking().Where(c => wanted.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var results = new Dictionary<long, CheckpointResult>();
        foreach (var id in ids)
        {
            if (!loaded.TryGetValue(id, out var checkpoint))
            {
                continue;
            }

            var page = await VerifyPageAsync([checkpoint], loaded.GetValueOrDefault(id - 1), ct);
            results[id] = page[0];
        }

        return Check(sessionId, events, leaves, results);
    }

    /// <summary>
    /// A session against the checkpoints that cover it (<paramref name="leaves"/>, already verified in <paramref name="results"/>):
    /// each leaf's event must have the leaf's hash, and each such checkpoint must hold.
    /// </summary>
    public static SessionAnchorReport Check(Guid sessionId, IReadOnlyList<ConsentEvent> events, IReadOnlyList<ChainCheckpointLeaf> leaves, IReadOnlyDictionary<long, CheckpointResult> results)
    {
        var bySeq = new Dictionary<long, string>(events.Count);
        foreach (var e in events)
        {
            bySeq[e.Seq] = e.Hash;
        }

        var problems = new List<string>();
        var reports = new List<SessionCheckpointReport>();
        foreach (var leaf in leaves.Where(l => results.ContainsKey(l.CheckpointId)).OrderBy(l => l.CheckpointId))
        {
            var result = results[leaf.CheckpointId];
            var hash = leaf.LastHash.Trim();
            var stored = bySeq.GetValueOrDefault(leaf.LastSeq);
            var matches = stored == hash;
            var at = result.AnchoredAt is { } t ? $" (anchored at {t.UtcDateTime:O})" : "";
            var failures = new List<string>();
            if (!matches)
            {
                failures.Add(stored is null
                    ? $"session {sessionId}: event {leaf.LastSeq}, anchored by checkpoint {result.Id}{at} with hash {hash}, is missing from the chain"
                    : $"session {sessionId}: event {leaf.LastSeq} is not the one checkpoint {result.Id}{at} anchored: it had hash {hash}, the chain now has {stored}");
            }

            if (!result.Verified)
            {
                failures.Add($"session {sessionId}: checkpoint {result.Id}{at}, which anchors it up to event {leaf.LastSeq}, does not verify: {string.Join("; ", result.Problems)}");
            }

            problems.AddRange(failures);
            reports.Add(new SessionCheckpointReport(result.Id, result.AnchoredAt, leaf.LastSeq, hash, matches, result.Verified, result.AnchorFile,
                failures.Count == 0 ? null : string.Join("; ", failures)));
        }

        var lastSeq = events.Count == 0 ? 0 : events[^1].Seq;
        if (reports.Count == 0)
        {
            return new SessionAnchorReport(SessionAnchorReport.NotYetAnchored, null, null, null, null, null, lastSeq, null, reports, problems);
        }

        var latest = reports[^1];
        var latestResult = results[latest.Id];
        return new SessionAnchorReport(problems.Count == 0 ? SessionAnchorReport.Anchored : SessionAnchorReport.Failed,
            latest.Id, latest.AnchoredAt, latestResult.Authority, latest.Seq, latest.Hash, Math.Max(0, lastSeq - latest.Seq), latest.AnchorFile, reports, problems);
    }

    private async Task<List<CheckpointResult>> VerifyPageAsync(List<ChainCheckpoint> page, ChainCheckpoint? before, CancellationToken ct)
    {
        var ids = page.Select(c => c.Id).ToList();
        var leaves = (await db.ChainCheckpointLeaves.AsNoTracking().Where(l => ids.Contains(l.CheckpointId)).ToListAsync(ct))
            .ToLookup(l => l.CheckpointId);
        var seqs = page.Select(c => c.SystemSeq).Distinct().ToList();
        var system = await db.SystemEvents.AsNoTracking().Where(e => seqs.Contains(e.Seq)).ToDictionaryAsync(e => e.Seq, e => e.Hash.Trim(), ct);
        var results = new List<CheckpointResult>(page.Count);
        var previous = before;
        foreach (var checkpoint in page)
        {
            results.Add(VerifyOne(checkpoint, [.. leaves[checkpoint.Id]], previous, system.GetValueOrDefault(checkpoint.SystemSeq)));
            previous = checkpoint;
        }

        return results;
    }

    private CheckpointResult VerifyOne(ChainCheckpoint checkpoint, IReadOnlyList<ChainCheckpointLeaf> leaves, ChainCheckpoint? previous, string? systemHashNow)
    {
        var problems = new List<string>();
        var root = checkpoint.Root.Trim();
        var previousRoot = checkpoint.PreviousRoot.Trim();
        if (checkpoint.Id == 1 ? previousRoot != CheckpointTree.Genesis
            : previous is null || previous.Id != checkpoint.Id - 1 ? true : previousRoot != previous.Root.Trim())
        {
            problems.Add(previous is null || previous.Id != checkpoint.Id - 1
                ? $"checkpoint {checkpoint.Id - 1}, which it links to, is missing"
                : $"its previous root {previousRoot} is not checkpoint {previous.Id}'s root {previous.Root.Trim()}");
        }

        var ordered = CheckpointTree.Order(leaves.Select(l => (l.SessionId, l.LastSeq, l.LastHash.Trim())), checkpoint.SystemSeq, checkpoint.SystemHash.Trim());
        var tree = CheckpointTree.TreeRoot(ordered);
        if (tree != checkpoint.TreeRoot.Trim() || ordered.Count != checkpoint.LeafCount)
        {
            problems.Add($"its {ordered.Count} stored leaves hash to {tree}, not its tree root {checkpoint.TreeRoot.Trim()}");
        }

        if (CheckpointTree.Root(checkpoint.Id, checkpoint.CreatedAt, checkpoint.LeafCount, previousRoot, checkpoint.TreeRoot.Trim()) != root)
        {
            problems.Add("its root is not the hash of its id, time, leaf count, previous root and tree root");
        }

        var (anchoredAt, authority, tokenProblem) = CheckToken(checkpoint.TimestampToken, root);
        if (tokenProblem is not null)
        {
            problems.Add(tokenProblem);
        }

        // A checkpoint is stamped as it is made: a token much later than the checkpoint's own time, or earlier than the
        // previous checkpoint's, is a checkpoint made again afterwards (with a fresh token over a forged root).
        if (anchoredAt is { } at && (at > checkpoint.CreatedAt + MaxStampDelay || at < checkpoint.CreatedAt - MaxClockSkew))
        {
            problems.Add($"its time-stamp ({at:u}) is not from when it was made ({checkpoint.CreatedAt:u})");
        }

        if (anchoredAt is { } mine && previous is not null && previous.Id == checkpoint.Id - 1 && previous.TimestampedAt is { } before && mine < before)
        {
            problems.Add($"its time-stamp ({mine:u}) is earlier than checkpoint {previous.Id}'s ({before:u})");
        }

        if (checkpoint.SystemSeq > 0 && systemHashNow != checkpoint.SystemHash.Trim())
        {
            problems.Add(systemHashNow is null
                ? $"the system audit trail's event {checkpoint.SystemSeq}, which it anchored, is missing"
                : $"the system audit trail's event {checkpoint.SystemSeq} is not the one it anchored (hash {checkpoint.SystemHash.Trim()}, now {systemHashNow})");
        }

        var (file, fileProblem) = AnchorFiles.Check(Directory, checkpoint, signing.Trusted);
        if (fileProblem is not null)
        {
            problems.Add(fileProblem);
        }

        return new CheckpointResult(checkpoint.Id, checkpoint.CreatedAt, anchoredAt, authority ?? checkpoint.TimestampAuthority, root, problems.Count == 0, file, problems);
    }

    /// <summary>The token decodes, is over SHA-256 of exactly the root, its signature verifies, and (when roots are configured) its TSA chains to one.</summary>
    private (DateTimeOffset? At, string? Authority, string? Problem) CheckToken(byte[] encoded, string root)
    {
        if (!Rfc3161TimestampToken.TryDecode(encoded, out var token, out _) || token is null)
        {
            return (null, null, "its timestamp token cannot be read");
        }

        var at = token.TokenInfo.Timestamp;
        var imprint = Convert.ToHexStringLower(token.TokenInfo.GetMessageHash().Span);
        if (token.TokenInfo.HashAlgorithmId.Value != "2.16.840.1.101.3.4.2.1" || imprint != root)
        {
            return (at, null, $"its timestamp token covers {imprint}, not its root {root}");
        }

        if (!token.VerifySignatureForHash(Convert.FromHexString(root), HashAlgorithmName.SHA256, out var signer, token.AsSignedCms().Certificates) || signer is null)
        {
            return (at, null, "its timestamp token's signature does not verify");
        }

        using (signer)
        {
            if (timestamping.TimestampRoots.Count > 0 && !ChainsToRoots(signer, token.AsSignedCms().Certificates, at))
            {
                return (at, signer.Subject, $"its timestamp is signed by {signer.Subject}, which does not chain to a root in Signing:TimestampRootsPath");
            }

            return (at, signer.Subject, null);
        }
    }

    private bool ChainsToRoots(X509Certificate2 signer, X509Certificate2Collection extra, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(timestamping.TimestampRoots.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.8"));
        return chain.Build(signer);
    }
}
