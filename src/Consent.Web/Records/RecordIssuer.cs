using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.Records;

/// <summary>
/// Issues a session's signed record: builds it from the events, renders and signs it, stores the PDF
/// with its SHA-256, and logs <c>RecordIssued</c> on the session's chain. Safe to run again at any point.
/// </summary>
/// <remarks>
/// A record already stored for (session, kind) is never rendered again, so its bytes and hash stay
/// the ones first issued; the unique (session_id, kind) index settles a race between two nodes; and
/// the interpreter refuses a second <c>RecordIssued</c> of the same kind under the session lock.
/// </remarks>
public sealed class RecordIssuer(
    ConsentDbContext db, SessionWriter writer, RecordSigning signing, ClinicSettings clinic, TimeProvider clock, ILogger<RecordIssuer> logger)
{
    /// <summary>The stored record of this kind, issuing it first if needed; null when the session does not exist or never ended this way.</summary>
    public async Task<StoredRecord?> IssueAsync(Guid sessionId, RecordKind kind, CancellationToken ct)
    {
        var stored = await FindAsync(sessionId, kind, ct) ?? await RenderAndStoreAsync(sessionId, kind, ct);
        if (stored is not null)
        {
            await LogIssueAsync(stored, ct);
        }

        return stored;
    }

    /// <summary>The record model behind a stored record, rebuilt from the same events (for the FHIR export).</summary>
    public async Task<ConsentRecord?> DescribeAsync(ConsentSession session, StoredRecord stored, CancellationToken ct)
    {
        if (!Enum.TryParse<RecordKind>(stored.Kind, out var kind))
        {
            return null;
        }

        var withdrawn = kind == RecordKind.Withdrawal ? (await FindAsync(session.Id, RecordKind.Consent, ct))?.Sha256 : null;
        return await BuildAsync(session, kind, stored.IssuedAt, withdrawn, ct);
    }

    public Task<StoredRecord?> FindAsync(Guid sessionId, RecordKind kind, CancellationToken ct) =>
        db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == sessionId && r.Kind == kind.ToString(), ct);

    private async Task<StoredRecord?> RenderAndStoreAsync(Guid sessionId, RecordKind kind, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null)
        {
            return null;
        }

        string? withdrawn = null;
        if (kind == RecordKind.Withdrawal)
        {
            // The withdrawal names the consent record it withdraws, so that one must exist first.
            withdrawn = (await IssueAsync(sessionId, RecordKind.Consent, ct))?.Sha256;
            if (withdrawn is null)
            {
                return null;
            }
        }

        // Whole seconds: the PDF's signing time has no finer precision, and the FHIR export rebuilds the record at this time.
        var now = clock.GetUtcNow();
        var issuedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var record = await BuildAsync(session, kind, issuedAt, withdrawn, ct);
        if (record is null)
        {
            return null;
        }

        var pdf = ConsentRecordPdf.RenderSigned(record, signing.Signer);
        var row = new StoredRecord
        {
            Id = Guid.CreateVersion7(),
            SessionId = sessionId,
            Kind = kind.ToString(),
            Pdf = pdf,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf)),
            IssuedAt = issuedAt,
        };
        db.Records.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another node stored it first; theirs is the record.
            db.Entry(row).State = EntityState.Detached;
            return await FindAsync(sessionId, kind, ct);
        }

        db.Entry(row).State = EntityState.Detached;
        logger.LogInformation("Issued {Kind} record for session {SessionId} ({Bytes} bytes, sha256 {Sha256}).", row.Kind, sessionId, pdf.Length, row.Sha256);
        return row;
    }

    private async Task LogIssueAsync(StoredRecord stored, CancellationToken ct)
    {
        var write = await writer.ApplyAsync(stored.SessionId, (_, _) => new IssueRecord(stored.Sha256, stored.Kind),
            new Actor(Actor.System, null, null), null, (_, _, _) => [], ct);
        if (write is SessionWrite.Applied or SessionWrite.NotFound)
        {
            return;
        }

        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == stored.SessionId, ct);
        var state = await writer.ReplayAsync(writer.Workflow(session), session.Id, ct);
        var logged = state.Records.FirstOrDefault(r => r.Kind == stored.Kind);
        if (logged is null || logged.Sha256 != stored.Sha256)
        {
            var reason = write is SessionWrite.Refused refused ? refused.Reason : write.GetType().Name;
            throw new InvalidOperationException(
                $"The {stored.Kind} record of session {stored.SessionId} is stored but its issue could not be logged ({reason}).");
        }
    }

    private async Task<ConsentRecord?> BuildAsync(ConsentSession session, RecordKind kind, DateTimeOffset issuedAt, string? withdrawn, CancellationToken ct)
    {
        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id).OrderBy(e => e.Seq).ToListAsync(ct);
        var staffIds = events.Select(e => e.Actor)
            .Concat(events.Select(e => JsonNode.Parse(e.Payload) is JsonObject p && p["staffId"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null))
            .Select(id => Guid.TryParse(id, out var g) ? g : (Guid?)null)
            .OfType<Guid>()
            .Distinct()
            .ToList();
        var names = await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Email })
            .ToDictionaryAsync(u => u.Id.ToString(), u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email ?? u.Id.ToString() : u.DisplayName, ct);
        return ConsentRecordBuilder.Build(new RecordSource(session, writer.Workflow(session), events, kind, issuedAt, clinic, names, withdrawn));
    }
}
