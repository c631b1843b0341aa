using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Settings;
using Consent.Web.SystemEvents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Web.SignedRecords;

/// <summary>
/// The records' long-term evidence (PAdES B-T, B-LT, B-LTA; ETSI EN 319 142-1, clause 6): added when a record is issued,
/// and afterwards by a periodic job for records issued while the TSA was down, records issued before a TSA was
/// configured, and archive time-stamps that need renewing. Nothing waits on the TSA: a record is issued (B-B) whatever
/// the TSA does, and upgraded when it answers. Each upgrade appends to the file (the issued bytes never change), is
/// stored as a new version in <c>record_evidence</c>, and is written on the system trail (<c>record.evidence.added</c>)
/// in the same transaction. See docs/evidence.md.
/// </summary>
public sealed class RecordEvidenceStore(
    ConsentDbContext db, RecordSigning signing, RecordTimestamping timestamping, SystemAudit audit, SystemAuditWriter writer,
    IOptions<EvidenceOptions> options, TimeProvider clock, ILogger<RecordEvidenceStore> logger)
{
    /// <summary>Records whose upgrade failed for a reason a retry will not fix soon, and when to look again (per node).</summary>
    private static readonly ConcurrentDictionary<Guid, DateTimeOffset> RetryAfter = new();

    /// <summary>
    /// What this service trusts in a record besides its own (pinned) signing certificates: the TSA roots. Not a CA for
    /// signers: the service vouches only for records it signed, never for anything else its CA issued.
    /// </summary>
    public RecordTrust Trust => new() { TimestampRoots = [.. timestamping.TimestampRoots] };

    private EvidenceRenewal Renewal => new(TimeSpan.FromDays(options.Value.RenewBeforeDays), options.Value.DeprecatedDigests.ToHashSet(StringComparer.Ordinal));

    private RecordEvidence? Evidence => timestamping.Authority is { } tsa
        ? new RecordEvidence(tsa, timestamping.Http, signing.Chain, timestamping.TimestampRoots)
        : null;

    /// <summary>The evidence of a file: the level it reaches, and the last time-stamp's TSA certificate expiry and digest.</summary>
    public (string Level, DateTimeOffset? Expires, string? Digest, RecordVerification Verification) Assess(byte[] pdf)
    {
        var verification = RecordVerifier.VerifyWithAny(pdf, [.. signing.Trusted], Trust);
        var last = verification.Timestamps.LastOrDefault(t => t.Valid);
        return (verification.EvidenceLevel ?? "B-B", last?.TsaCertificateExpires, last?.Digest, verification);
    }

    /// <summary>
    /// At issue, right after signing: the signature time-stamp in place (B-T), then validation data and an archive
    /// time-stamp (B-LTA). Whatever the TSA does, a record comes back: as far as it got, at worst the signed B-B file.
    /// </summary>
    public async Task<(byte[] Pdf, string Added)> AtIssueAsync(byte[] signedPdf, CancellationToken ct)
    {
        if (Evidence is not { } evidence)
        {
            return (signedPdf, "");
        }

        var pdf = signedPdf;
        var added = new List<string>();
        try
        {
            pdf = await evidence.TimestampSignatureAsync(pdf, ct);
            added.Add("signature time-stamp (B-T)");
            var extended = await evidence.ExtendAsync(pdf, Renewal, clock.GetUtcNow(), ct);
            pdf = extended.Pdf;
            added.AddRange(extended.Added);
        }
        catch (TimestampUnavailableException e)
        {
            logger.LogWarning("A record was issued without all its long-term evidence ({Reached}); the evidence job adds the rest when the TSA answers: {Problem}",
                added.Count == 0 ? "PAdES B-B" : string.Join(", ", added), e.Message);
        }
        catch (InvalidOperationException e)
        {
            logger.LogCritical("A record was issued without long-term evidence: {Problem}", e.Message);
        }

        return (pdf, string.Join("; ", added));
    }

    /// <summary>Version 0 of a record's evidence, stored with the record: its level as issued.</summary>
    public RecordEvidenceVersion FirstVersion(StoredRecord record, string added)
    {
        var (level, expires, digest, _) = Assess(record.Pdf);
        return Sealed(new RecordEvidenceVersion
        {
            Id = Guid.CreateVersion7(), RecordId = record.Id, SessionId = record.SessionId, Kind = record.Kind, Version = 0, Appended = [],
            Sha256 = record.Sha256, Level = level, Added = Truncate(added.Length == 0 ? "issued" : "issued with " + added),
            TimestampExpiresAt = expires, TimestampDigest = digest, CreatedAt = record.IssuedAt,
        });
    }

    /// <summary>What a version's seal signs: the record, the version, the file's SHA-256 and the level.</summary>
    private static byte[] SealedText(RecordEvidenceVersion v) =>
        System.Text.Encoding.UTF8.GetBytes($"consent-record-evidence/1|{v.RecordId:D}|{v.Version}|{v.Sha256}|{v.Level}");

    private RecordEvidenceVersion Sealed(RecordEvidenceVersion version)
    {
        var text = SealedText(version);
        using var ecdsa = signing.Certificate.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? signing.Certificate.GetRSAPrivateKey() : null;
        version.Seal = ecdsa?.SignData(text, HashAlgorithmName.SHA256)
            ?? rsa?.SignData(text, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            ?? throw new InvalidOperationException("The record-signing certificate has no ECDSA or RSA private key.");
        return version;
    }

    /// <summary>The version's seal verifies with one of the service's signing certificates (current or earlier).</summary>
    public bool SealHolds(RecordEvidenceVersion version)
    {
        var text = SealedText(version);
        foreach (var certificate in signing.Trusted)
        {
            try
            {
                using var ecdsa = certificate.GetECDsaPublicKey();
                using var rsa = ecdsa is null ? certificate.GetRSAPublicKey() : null;
                if (ecdsa?.VerifyData(text, version.Seal, HashAlgorithmName.SHA256) == true
                    || rsa?.VerifyData(text, version.Seal, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) == true)
                {
                    return true;
                }
            }
            catch (CryptographicException)
            {
                // a malformed seal is one that does not hold
            }
        }

        return false;
    }

    /// <summary>The record's file as it stands now: the issued PDF and every evidence version appended to it.</summary>
    public async Task<(byte[] Pdf, RecordEvidenceVersion? Latest)> CurrentAsync(StoredRecord record, CancellationToken ct)
    {
        var versions = await db.RecordEvidence.AsNoTracking().Where(v => v.RecordId == record.Id).OrderBy(v => v.Version).ToListAsync(ct);
        if (versions.Count == 0 || versions.All(v => v.Appended.Length == 0))
        {
            return (record.Pdf, versions.LastOrDefault());
        }

        var pdf = new byte[record.Pdf.Length + versions.Sum(v => v.Appended.Length)];
        record.Pdf.CopyTo(pdf, 0);
        var at = record.Pdf.Length;
        foreach (var version in versions)
        {
            version.Appended.CopyTo(pdf, at);
            at += version.Appended.Length;
        }

        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(pdf)), versions[^1].Sha256, StringComparison.Ordinal) || !versions.All(SealHolds))
        {
            // A version changed in the database: serve the issued record, which the chain names, and say so.
            logger.LogCritical("AUDIT ALERT: the evidence versions of record {RecordId} (session {SessionId}) do not hash to the stored SHA-256, or one is not sealed by this service; the record is served as issued.",
                record.Id, record.SessionId);
            return (record.Pdf, null);
        }

        return (pdf, versions[^1]);
    }

    /// <summary>One pass of the job: records below B-LTA, or whose last time-stamp needs renewing, are extended.</summary>
    /// <returns>How many records gained a version.</returns>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (Evidence is null)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var renewBy = now + TimeSpan.FromDays(options.Value.RenewBeforeDays);
        var deprecated = options.Value.DeprecatedDigests.ToArray();
        var skip = RetryAfter.Where(r => r.Value > now).Select(r => r.Key).ToArray();
        var ids = await db.Database.SqlQuery<Guid>($"""
            SELECT r.id AS "Value" FROM consent_records r
            LEFT JOIN LATERAL (SELECT e.level, e.timestamp_expires_at, e.timestamp_digest FROM record_evidence e
                               WHERE e.record_id = r.id ORDER BY e.version DESC LIMIT 1) e ON true
            WHERE (e.level IS NULL OR e.level <> 'B-LTA' OR e.timestamp_expires_at < {renewBy} OR e.timestamp_digest = ANY({deprecated}))
              AND NOT (r.id = ANY({skip}))
            ORDER BY r.issued_at, r.id
            LIMIT {options.Value.BatchSize}
            """).ToListAsync(ct);
        var upgraded = 0;
        foreach (var id in ids)
        {
            try
            {
                if (await UpgradeAsync(id, ct))
                {
                    upgraded++;
                }
            }
            catch (TimestampUnavailableException e)
            {
                logger.LogWarning("The evidence job stopped: {Problem}. It tries again at its next run.", e.Message);
                break; // the TSA is down: the others would fail the same way
            }
        }

        return upgraded;
    }

    /// <summary>Extends one record's evidence and stores the new version; false when it had nothing to add or another node did it.</summary>
    public async Task<bool> UpgradeAsync(Guid recordId, CancellationToken ct)
    {
        var evidence = Evidence ?? throw new InvalidOperationException("No time-stamping authority is configured.");
        var record = await db.Records.AsNoTracking().SingleAsync(r => r.Id == recordId, ct);
        var versions = await db.RecordEvidence.AsNoTracking().Where(v => v.RecordId == recordId).OrderBy(v => v.Version).ToListAsync(ct);
        var (current, latest) = await CurrentAsync(record, ct);
        if (versions.Count > 0 && latest is null)
        {
            RetryAfter[recordId] = clock.GetUtcNow().AddDays(1);
            return false; // logged by CurrentAsync as an audit alert: never build on a file that is not the stored one
        }

        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(record.Pdf)), record.Sha256, StringComparison.Ordinal))
        {
            logger.LogCritical("AUDIT ALERT: record {RecordId} (session {SessionId}) no longer hashes to its stored SHA-256; its evidence is not extended.", record.Id, record.SessionId);
            RetryAfter[recordId] = clock.GetUtcNow().AddDays(1);
            return false;
        }

        EvidenceUpdate update;
        try
        {
            update = await evidence.ExtendAsync(current, Renewal, clock.GetUtcNow(), ct);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or CryptographicException)
        {
            logger.LogError("The evidence of record {RecordId} (session {SessionId}) could not be extended: {Problem}", record.Id, record.SessionId, e.Message);
            RetryAfter[recordId] = clock.GetUtcNow().AddDays(1);
            return false;
        }

        var (level, expires, digest, verification) = Assess(update.Pdf);
        if (!update.Changed || !verification.IsIntact)
        {
            if (update.Changed)
            {
                logger.LogCritical("The extended record {RecordId} did not verify ({Problems}); it was not stored.", record.Id, string.Join("; ", verification.Problems));
            }

            RetryAfter[recordId] = clock.GetUtcNow().AddDays(1);
            return false;
        }

        var next = Sealed(new RecordEvidenceVersion
        {
            Id = Guid.CreateVersion7(), RecordId = record.Id, SessionId = record.SessionId, Kind = record.Kind, Version = (latest?.Version ?? 0) + 1,
            Appended = update.Pdf[current.Length..], Sha256 = Convert.ToHexStringLower(SHA256.HashData(update.Pdf)), Level = level,
            Added = Truncate(string.Join("; ", update.Added)), TimestampExpiresAt = expires, TimestampDigest = digest, CreatedAt = clock.GetUtcNow(),
        });
        var first = versions.Count == 0 ? FirstVersion(record, "") : null;
        var draft = audit.SystemDraft(SystemEventTypes.RecordEvidenceAdded, new JsonObject
        {
            ["recordKind"] = record.Kind,
            ["version"] = next.Version,
            ["sha256"] = next.Sha256,
            ["previousSha256"] = latest?.Sha256 ?? record.Sha256,
            ["level"] = next.Level,
            ["added"] = next.Added,
        }) with { SessionId = record.SessionId };
        var written = await writer.AppendNowAsync(draft, async (connection, transaction, token) =>
        {
            await using (var taken = new NpgsqlCommand("SELECT 1 FROM record_evidence WHERE record_id = @r AND version >= @v", connection, transaction))
            {
                taken.Parameters.AddWithValue("r", record.Id);
                taken.Parameters.AddWithValue("v", next.Version);
                if (await taken.ExecuteScalarAsync(token) is not null)
                {
                    return true; // another node extended it first: theirs is the version
                }
            }

            foreach (var row in first is null ? [next] : new[] { first, next })
            {
                await InsertAsync(row, connection, transaction, token);
            }

            return false;
        }, ct);
        if (written)
        {
            logger.LogInformation("Record {RecordId} (session {SessionId}) is now {Level}: {Added}.", record.Id, record.SessionId, next.Level, next.Added);
        }

        return written;
    }

    private static async Task InsertAsync(RecordEvidenceVersion row, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO record_evidence (id, record_id, session_id, kind, version, appended, sha256, level, added, timestamp_expires_at, timestamp_digest, created_at, seal)
            VALUES (@id, @record, @session, @kind, @version, @appended, @sha, @level, @added, @expires, @digest, @created, @seal)
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", row.Id);
        insert.Parameters.AddWithValue("record", row.RecordId);
        insert.Parameters.AddWithValue("session", row.SessionId);
        insert.Parameters.AddWithValue("kind", row.Kind);
        insert.Parameters.AddWithValue("version", row.Version);
        insert.Parameters.AddWithValue("appended", row.Appended);
        insert.Parameters.AddWithValue("sha", row.Sha256);
        insert.Parameters.AddWithValue("level", row.Level);
        insert.Parameters.AddWithValue("added", row.Added);
        insert.Parameters.Add(new NpgsqlParameter("expires", NpgsqlDbType.TimestampTz) { Value = (object?)row.TimestampExpiresAt ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("digest", NpgsqlDbType.Varchar) { Value = (object?)row.TimestampDigest ?? DBNull.Value });
        insert.Parameters.AddWithValue("created", row.CreatedAt);
        insert.Parameters.AddWithValue("seal", row.Seal);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..497] + "...";
}

/// <summary>Runs <see cref="RecordEvidenceStore.RunAsync"/> every <c>Evidence:IntervalMinutes</c>.</summary>
public sealed class RecordEvidenceJob(IServiceScopeFactory scopes, IOptions<EvidenceOptions> options, RecordTimestamping timestamping, TimeProvider clock,
    ILogger<RecordEvidenceJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        if (interval <= TimeSpan.Zero || timestamping.Authority is null)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(options.Value.FirstRunAfterSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, clock, stoppingToken);
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<RecordEvidenceStore>().RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException or DbUpdateException or HttpRequestException)
            {
                logger.LogWarning("The evidence job could not run ({Error}); it will try again.", ex.GetType().Name);
            }

            delay = interval;
        }
    }
}
