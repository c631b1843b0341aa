using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Audit;

/// <summary>
/// Seals the events written before events were sealed (the <c>seal-event-log</c> command). A service
/// upgraded from a version without seals holds events with no seal, and the audit rightly reports
/// each of them ("carries no seal"). This checks every such session as the audit does, with the
/// missing seals put in place in memory: the hashes recompute, the links hold, the session row's
/// last hash agrees, and every stored signed record verifies and agrees with the chain head it
/// names. Only a session that passes is sealed; one that does not is left as it is and reported.
/// </summary>
/// <remarks>
/// It runs as the owner role, in one transaction that switches the append-only trigger off for
/// itself only (ALTER TABLE is transactional in PostgreSQL and takes an exclusive lock on the table,
/// so the service's writes wait a moment and nothing else sees the trigger off) and sets only the
/// two seal columns, only where they are empty. What it cannot know: a chain rewritten before the
/// upgrade so consistently that no signed record disagrees is sealed as it stands. Run it once,
/// right after the upgrade's migration (docs/event-log.md, "The seal").
/// </remarks>
public static class EventLogSealing
{
    /// <summary>The sessions sealed (with how many events) and those refused (with why).</summary>
    public sealed record Outcome(IReadOnlyList<(Guid SessionId, int Events)> Sealed, IReadOnlyList<AuditFinding> Refused);

    public static async Task<Outcome> SealUnsealedAsync(ConsentDbContext owner, EventSeals seals, CancellationToken ct)
    {
        var sealedSessions = new List<(Guid, int)>();
        var refused = new List<AuditFinding>();
        await using var transaction = await owner.Database.BeginTransactionAsync(ct);
        await owner.Database.ExecuteSqlRawAsync("ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete", ct);
        var sessionIds = await owner.Events.AsNoTracking().Where(e => e.Seal == null).Select(e => e.SessionId).Distinct().OrderBy(id => id).ToListAsync(ct);
        foreach (var sessionId in sessionIds)
        {
            var session = await owner.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
            var events = await owner.Events.AsNoTracking().Where(e => e.SessionId == sessionId).OrderBy(e => e.Seq).ToListAsync(ct);
            if (session is null)
            {
                refused.Add(new AuditFinding(sessionId, "events without a session row: nothing to check them against", null));
                continue;
            }

            var unsealed = events.Where(e => e.Seal is null).ToList();
            foreach (var e in unsealed)
            {
                seals.Seal(e);
            }

            var check = await SignedChainHeads.VerifyAsync(owner, session, events, seals, ct);
            if (!check.Verified)
            {
                refused.Add(new AuditFinding(sessionId, check.Problem ?? "the event chain does not verify", check.BrokenAtSeq));
                continue;
            }

            foreach (var e in unsealed)
            {
                await owner.Events.Where(x => x.Id == e.Id && x.Seal == null)
                    .ExecuteUpdateAsync(x => x.SetProperty(p => p.Seal, e.Seal).SetProperty(p => p.SealKey, e.SealKey), ct);
            }

            sealedSessions.Add((sessionId, unsealed.Count));
        }

        await owner.Database.ExecuteSqlRawAsync("ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete", ct);
        await transaction.CommitAsync(ct);
        return new Outcome(sealedSessions, refused);
    }
}
