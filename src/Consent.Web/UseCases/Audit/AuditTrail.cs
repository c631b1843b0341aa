using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Audit;

/// <summary>A session's events with the result of verifying their chain: the audit page's timeline and <c>GET /api/v1/sessions/{id}/events</c>.</summary>
/// <remarks>
/// Each read is one snapshot for the session row, its events (and records): an event appended between
/// two separate reads (a record being issued) would otherwise make an honest chain look broken.
/// </remarks>
/// <remarks>
/// An auditor's read may be served by the read source, a hot standby (<see cref="Hosting.AuditReads"/>): then the
/// session row, its events and records all come from the standby, in one snapshot. A clinician reads the primary.
/// </remarks>
public sealed class AuditTrail(
    Hosting.AuditReads reads, EventSeals seals, StaffSessions staffSessions, Identity.StaffAccountSeals accounts, ILogger<StaffSessions> staffLogger)
{
    public async Task<Outcome<SessionChain>> ChainAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var db = await reads.ForAsync(user, ct);
        var chain = await SnapshotChainAsync(db, id, user, ct);
        if (chain is null && reads.Freshness is { FromStandby: true })
        {
            chain = await SnapshotChainAsync(reads.PrimaryAfterMiss(), id, user, ct);
        }

        return chain is not null ? chain : Missing.Session;
    }

    /// <summary>The chain with the session's records and the names of the staff who acted.</summary>
    public async Task<Outcome<SessionTimeline>> TimelineAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var db = await reads.ForAsync(user, ct);
        var timeline = await SnapshotTimelineAsync(db, id, user, ct);
        if (timeline is null && reads.Freshness is { FromStandby: true })
        {
            timeline = await SnapshotTimelineAsync(reads.PrimaryAfterMiss(), id, user, ct);
        }

        return timeline is not null ? timeline : Missing.Session;
    }

    private async Task<SessionChain?> SnapshotChainAsync(ConsentDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        return await ReadChainAsync(db, id, user, ct);
    }

    private async Task<SessionTimeline?> SnapshotTimelineAsync(ConsentDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        if (await ReadChainAsync(db, id, user, ct) is not { } chain)
        {
            return null;
        }

        var stored = await db.Records.AsNoTracking().Where(r => r.SessionId == id).OrderBy(r => r.IssuedAt).ToListAsync(ct);
        await snapshot.CommitAsync(ct);
        var records = stored.Select(r => IssuedRecord.Of(r, chain.Events)).ToList();
        var staffIds = chain.Events.Select(e => e.Actor).Where(a => Guid.TryParse(a, out _)).Select(Guid.Parse).Distinct().ToList();
        return new SessionTimeline(chain, records, await SealedNamesAsync(db, staffIds, ct));
    }

    /// <summary>
    /// The staff's names, each only from an account whose seal holds (<see cref="Identity.StaffAccountSeals"/>):
    /// a name written in the database outside the service is not shown as anyone's; the account is shown by id.
    /// </summary>
    private async Task<Dictionary<string, string>> SealedNamesAsync(ConsentDbContext db, List<Guid> staffIds, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (user, seal) in await SealedStaff.ReadAsync(db, accounts, staffIds, ct))
        {
            names[user.Id.ToString()] = seal == Identity.SealState.Holds ? user.DisplayName : $"{user.Id} (account changed outside the service)";
        }

        return names;
    }

    private async Task<SessionChain?> ReadChainAsync(ConsentDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var sessions = reads.Freshness is { FromStandby: true } ? new StaffSessions(db, staffLogger) : staffSessions;
        if (await sessions.ReadableAsync(id, user, ct) is not { } session)
        {
            return null;
        }

        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == id).OrderBy(e => e.Seq).ToListAsync(ct);
        return new SessionChain(session, events, await SignedChainHeads.VerifyAsync(db, session, events, seals, ct));
    }
}

/// <summary>A session, its events in order and whether their chain verifies.</summary>
public sealed record SessionChain(ConsentSession Session, IReadOnlyList<ConsentEvent> Events, ChainVerification Check)
{
    public EventChainView View() => new(Check.Verified, Check.BrokenAtSeq, Check.Problem, Check.LastHash, [.. Events.Select(EventView.From)]);
}

/// <summary>What the auditor's session page shows: the chain, the records issued and who the staff actors are.</summary>
public sealed record SessionTimeline(SessionChain Chain, IReadOnlyList<IssuedRecord> Records, IReadOnlyDictionary<string, string> StaffNames);

/// <summary>
/// A record issued for the session, with the last event it covers (the chain head signed into it)
/// and the later event that logged its issuing: a record cannot contain the event that records it,
/// so the chain's last hash is always further on than the one a record carries.
/// </summary>
public sealed record IssuedRecord(string Kind, string Sha256, DateTimeOffset IssuedAt, long? CoversSeq, string? CoversHash, long? LoggedSeq)
{
    public static IssuedRecord Of(StoredRecord record, IReadOnlyList<ConsentEvent> events)
    {
        var (seq, hash) = Consent.Records.RecordVerifier.ChainHead(record.Pdf);
        var logged = events.FirstOrDefault(e => e.Type == Consent.Workflows.EventTypes.RecordIssued
            && Consent.Workflows.RecordIssuedPayload.From(SessionWriter.ToRecorded(e).Payload).Sha256 == record.Sha256);
        return new IssuedRecord(record.Kind, record.Sha256, record.IssuedAt, seq, hash, logged?.Seq);
    }
}
