using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.SignedRecords;

/// <summary>
/// Issues a session's signed record: builds it from the events, renders and signs it, and stores the
/// PDF with its SHA-256 in the same transaction that logs <c>RecordIssued</c> on the session's chain.
/// Safe to run again at any point.
/// </summary>
/// <remarks>
/// The record row and its event commit together (under the session lock <see cref="SessionWriter"/>
/// takes), so a record never exists without its event or the other way round, even if the process
/// dies mid-job. A record already stored for (session, kind) is never rendered again; the interpreter
/// refuses a second <c>RecordIssued</c> of a kind, and the unique (session_id, kind) index backs it up.
/// </remarks>
public sealed class RecordIssuer(
    ConsentDbContext db, SessionWriter writer, WorkflowVersions.WorkflowRegistry workflows, RecordSigning signing, ClinicSettings clinic, TimeProvider clock,
    EventSeals seals, ILogger<RecordIssuer> logger)
{
    /// <summary>The stored record of this kind, issuing it first if needed; null when the session does not exist or never ended this way.</summary>
    public async Task<StoredRecord?> IssueAsync(Guid sessionId, RecordKind kind, CancellationToken ct)
    {
        if (await FindAsync(sessionId, kind, ct) is { } stored)
        {
            return stored;
        }

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
        var record = await BuildAsync(session, kind, issuedAt, withdrawn, forSigning: true, ct);
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

        // Added now, saved by the writer's SaveChanges in its transaction, together with the RecordIssued event.
        db.Records.Add(row);
        Outcome<SessionWrite>? write = null;
        try
        {
            write = await writer.ApplyAsync(
                new SessionWriteRequest(sessionId, Actor.Service, _ => new IssueRecord(row.Sha256, row.Kind), Answer: (_, _, _) => []), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another node stored one first; theirs is the record.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        if (write is Outcome<SessionWrite>.Ok)
        {
            logger.LogInformation("Issued {Kind} record for session {SessionId} ({Bytes} bytes, sha256 {Sha256}).", row.Kind, sessionId, pdf.Length, row.Sha256);
            return row;
        }

        return await FindAsync(sessionId, kind, ct) ?? throw new InvalidOperationException(
            $"The {kind} record of session {sessionId} could not be issued: {(write is Outcome<SessionWrite>.Refused refused ? refused.Refusal.Reason : "it was refused")}.");
    }

    /// <summary>The record model behind a stored record, rebuilt from the same events (for the FHIR export).</summary>
    public async Task<ConsentRecord?> DescribeAsync(ConsentSession session, StoredRecord stored, CancellationToken ct)
    {
        if (!Enum.TryParse<RecordKind>(stored.Kind, out var kind))
        {
            return null;
        }

        var withdrawn = kind == RecordKind.Withdrawal ? (await FindAsync(session.Id, RecordKind.Consent, ct))?.Sha256 : null;
        return await BuildAsync(session, kind, stored.IssuedAt, withdrawn, forSigning: false, ct);
    }

    public Task<StoredRecord?> FindAsync(Guid sessionId, RecordKind kind, CancellationToken ct) =>
        db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == sessionId && r.Kind == kind.ToString(), ct);

    private async Task<ConsentRecord?> BuildAsync(
        ConsentSession session, RecordKind kind, DateTimeOffset issuedAt, string? withdrawn, bool forSigning, CancellationToken ct)
    {
        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id).OrderBy(e => e.Seq).ToListAsync(ct);
        if (forSigning && events.Count > 0
            && (EventChain.Verify(events, events.Count, events[^1].Hash, seals) is { Verified: false } broken ? broken : PatientBinding.Check(session, events)) is { } chain)
        {
            // Never sign what the service did not write: an event appended or rewritten in the database
            // (a forged countersignature), or a patient renamed in the session row, would otherwise
            // become a valid signed record.
            logger.LogCritical("AUDIT ALERT: refused to sign the {Kind} record of session {SessionId}: {Problem} (at event {Seq}).",
                kind, session.Id, chain.Problem, chain.BrokenAtSeq);
            throw new InvalidOperationException(
                $"The {kind} record of session {session.Id} was not signed: its event chain does not verify ({chain.Problem}, at event {chain.BrokenAtSeq}).");
        }

        var staffIds = events.Select(e => e.Actor)
            .Concat(events.Select(e => JsonNode.Parse(e.Payload) is JsonObject p && p[PayloadKeys.StaffId] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null))
            .Select(id => Guid.TryParse(id, out var g) ? g : (Guid?)null)
            .OfType<Guid>()
            .Distinct()
            .ToList();
        var names = await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.Email })
            .ToDictionaryAsync(u => u.Id.ToString(), u => string.IsNullOrWhiteSpace(u.DisplayName) ? u.Email ?? u.Id.ToString() : u.DisplayName, ct);
        return ConsentRecordBuilder.Build(new RecordSource(session, workflows.For(session), events, kind, issuedAt, clinic, names, withdrawn));
    }
}
