using System.Data;
using System.Security.Cryptography;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.Settings;
using Consent.Web.SignedRecords;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Consent.Web.Checkpoints;

/// <summary>What one attempt to make a checkpoint came to.</summary>
public enum CheckpointOutcome
{
    /// <summary>A checkpoint was made (and its anchor file written, when a folder is configured).</summary>
    Made,

    /// <summary>Nothing changed since the last checkpoint.</summary>
    NothingChanged,

    /// <summary>Another node holds the checkpoint lock and is making one now.</summary>
    Busy,

    /// <summary>No time-stamping authority is configured (<c>Signing:TimestampUrl</c>): checkpoints are not made.</summary>
    NoAuthority,

    /// <summary>The TSA did not answer with a valid token: nothing was stored; the next run covers everything since the last checkpoint.</summary>
    AuthorityUnavailable,
}

/// <summary>The result of <see cref="CheckpointMaker.MakeAsync"/>.</summary>
public sealed record CheckpointAttempt(CheckpointOutcome Outcome, ChainCheckpoint? Checkpoint = null, string? AnchorFile = null, string? Problem = null);

/// <summary>
/// Makes one checkpoint (docs/checkpoints.md): under a PostgreSQL advisory lock, in one REPEATABLE READ snapshot, a
/// leaf for every session whose head (last seq, last hash) is not the one its latest leaf anchors, and one for the
/// system trail's head; the root linked to the previous checkpoint's, timestamped by the TSA, stored append-only, then
/// written as a signed anchor file. Changes are found by comparing heads, not by a watermark, so a transaction that
/// commits after the snapshot (in any order) is simply in the next checkpoint. It takes no row lock: session writes never wait for it.
/// </summary>
public sealed class CheckpointMaker(
    ConsentDbContext db, RecordTimestamping timestamping, RecordSigning signing, IOptions<AnchorOptions> anchors, TimeProvider clock, ILogger<CheckpointMaker> logger)
{
    /// <summary>The advisory lock key ("CNSTCKPT" as a 64-bit number): one node makes a checkpoint at a time.</summary>
    public const long LockKey = 0x434E_5354_434B_5054;

    private const string Candidates = """
        SELECT s.id, s.last_seq, s.last_hash, head.hash, l.last_seq, l.last_hash, anchored.hash
        FROM consent_sessions s
        LEFT JOIN consent_events head ON head.session_id = s.id AND head.seq = s.last_seq
        LEFT JOIN LATERAL (SELECT last_seq, last_hash FROM chain_checkpoint_leaves x
                           WHERE x.session_id = s.id ORDER BY x.checkpoint_id DESC LIMIT 1) l ON true
        LEFT JOIN consent_events anchored ON anchored.session_id = s.id AND anchored.seq = l.last_seq
        WHERE s.last_seq > 0 AND (l.last_seq IS NULL OR l.last_seq <> s.last_seq OR l.last_hash <> s.last_hash)
        ORDER BY s.id
        """;

    public async Task<CheckpointAttempt> MakeAsync(CancellationToken ct)
    {
        if (timestamping.Authority is not { } tsa)
        {
            return new CheckpointAttempt(CheckpointOutcome.NoAuthority);
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // A session-level lock taken before the transaction, so the snapshot begins after the lock is held and sees
            // the checkpoint the node before committed. The primary key (previous id + 1) is the last line of defence.
            if (!await ScalarAsync<bool>(connection, null, "SELECT pg_try_advisory_lock(@key)", ct))
            {
                return new CheckpointAttempt(CheckpointOutcome.Busy);
            }

            try
            {
                return await MakeLockedAsync(connection, tsa, ct);
            }
            finally
            {
                await ScalarAsync<bool>(connection, null, "SELECT pg_advisory_unlock(@key)", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<CheckpointAttempt> MakeLockedAsync(NpgsqlConnection connection, TimestampAuthority tsa, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();
        var previous = await db.ChainCheckpoints.AsNoTracking().OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);
        var system = await db.SystemEvents.AsNoTracking().OrderByDescending(e => e.Seq).Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(ct);
        var systemSeq = system?.Seq ?? 0;
        var systemHash = system?.Hash ?? EventChain.Genesis;

        var heads = new List<(Guid SessionId, long Seq, string Hash)>();
        await using (var command = new NpgsqlCommand(Candidates, connection, npgsqlTransaction))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetGuid(0);
                var seq = reader.GetInt64(1);
                var hash = reader.GetString(2).Trim();
                var headHash = reader.IsDBNull(3) ? null : reader.GetString(3).Trim();
                long? anchoredSeq = reader.IsDBNull(4) ? null : reader.GetInt64(4);
                var anchoredHash = reader.IsDBNull(5) ? null : reader.GetString(5).Trim();
                var storedAtAnchored = reader.IsDBNull(6) ? null : reader.GetString(6).Trim();
                // Never anchor a head that contradicts the chain or what an earlier checkpoint anchored: that would
                // launder a rewrite. The audit reports such a session; it is left out until it verifies again.
                var problem = headHash != hash ? $"its row's last hash is not that of its event {seq}"
                    : anchoredSeq is { } earlier && (earlier > seq || storedAtAnchored != anchoredHash)
                        ? $"its event {earlier} no longer has the hash an earlier checkpoint anchored"
                        : null;
                if (problem is not null)
                {
                    logger.LogCritical("AUDIT ALERT: session {SessionId} was left out of the chain checkpoint: {Problem}.", id, problem);
                    continue;
                }

                heads.Add((id, seq, hash));
            }
        }

        if (heads.Count == 0 && previous is not null && previous.SystemSeq == systemSeq && previous.SystemHash == systemHash)
        {
            return new CheckpointAttempt(CheckpointOutcome.NothingChanged);
        }

        var leaves = CheckpointTree.Order(heads, systemSeq, systemHash);
        var checkpoint = new ChainCheckpoint
        {
            Id = (previous?.Id ?? 0) + 1,
            CreatedAt = EventChain.Truncate(clock.GetUtcNow()),
            PreviousRoot = previous?.Root ?? CheckpointTree.Genesis,
            TreeRoot = CheckpointTree.TreeRoot(leaves),
            LeafCount = leaves.Count,
            SystemSeq = systemSeq,
            SystemHash = systemHash,
        };
        checkpoint.Root = CheckpointTree.Root(checkpoint.Id, checkpoint.CreatedAt, checkpoint.LeafCount, checkpoint.PreviousRoot, checkpoint.TreeRoot);

        System.Security.Cryptography.Pkcs.Rfc3161TimestampToken token;
        try
        {
            token = await tsa.StampHashAsync(Convert.FromHexString(checkpoint.Root), ct);
        }
        catch (TimestampUnavailableException e)
        {
            logger.LogWarning("Chain checkpoint {Id} was not made: {Problem} The next run covers every change since checkpoint {Previous}.",
                checkpoint.Id, e.Message, previous?.Id ?? 0);
            return new CheckpointAttempt(CheckpointOutcome.AuthorityUnavailable, Problem: e.Message);
        }

        checkpoint.TimestampToken = token.AsSignedCms().Encode();
        checkpoint.TimestampedAt = EventChain.Truncate(token.TokenInfo.Timestamp);
        checkpoint.TimestampAuthority = TimestampSigner(token) ?? tsa.Url.ToString();
        db.ChainCheckpoints.Add(checkpoint);
        db.ChainCheckpointLeaves.AddRange(heads.Select(h => new ChainCheckpointLeaf { CheckpointId = checkpoint.Id, SessionId = h.SessionId, LastSeq = h.Seq, LastHash = h.Hash }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        logger.LogInformation("Chain checkpoint {Id} made: {Sessions} session(s) and the system trail at {SystemSeq}, root {Root}, timestamped {At:O} by {Tsa}.",
            checkpoint.Id, heads.Count, systemSeq, checkpoint.Root, checkpoint.TimestampedAt, checkpoint.TimestampAuthority);

        string? file = null;
        if (anchors.Value.Directory is { Length: > 0 } directory)
        {
            try
            {
                file = AnchorFiles.Write(Path.GetFullPath(directory), checkpoint, signing.Certificate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                // The checkpoint stands (its TSA token is the evidence); only its copy outside the database is missing.
                logger.LogError("The anchor file of chain checkpoint {Id} could not be written to {Directory}: {Problem}", checkpoint.Id, directory, e.Message);
            }
        }

        return new CheckpointAttempt(CheckpointOutcome.Made, checkpoint, file);
    }

    /// <summary>The subject of the certificate that signed the token, when the token carries it.</summary>
    internal static string? TimestampSigner(System.Security.Cryptography.Pkcs.Rfc3161TimestampToken token)
    {
        var cms = token.AsSignedCms();
        return cms.SignerInfos.Count == 1 && cms.SignerInfos[0].Certificate is { } certificate ? certificate.Subject : null;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("key", LockKey);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }
}
