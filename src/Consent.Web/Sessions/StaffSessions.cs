using System.Security.Claims;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Sessions;

/// <summary>
/// The session a staff member asks for, when <see cref="StaffAccess"/> lets them read or act on it, and,
/// for a clinician, only when the chain agrees that they started it.
/// </summary>
/// <remarks>
/// A clinician's access follows <c>consent_sessions.created_by</c>, which has no seal: an outside review
/// set it to another clinician, who could then open, read the events of and countersign a session they
/// never started. The first event seals <c>createdBy</c> and cannot be changed by the service's role
/// (append-only), so a clinician's access also needs it to name them; a row that says otherwise is
/// "not found" to every clinician and raises an AUDIT ALERT. Auditors read every session whatever its row
/// says: their views (<c>/events</c>, the audit) report what differs (<see cref="PatientBinding"/>).
/// </remarks>
public sealed class StaffSessions(ConsentDbContext db, ILogger<StaffSessions> logger)
{
    /// <summary>The session, when the caller may read it.</summary>
    public async Task<ConsentSession?> ReadableAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null || !StaffAccess.CanRead(user, session))
        {
            return null;
        }

        return user.IsInRole(StaffRoles.Auditor) || await StartedByAsync(session, ct) ? session : null;
    }

    /// <summary>The session, when the caller is the clinician who started it (row and chain agree).</summary>
    public async Task<ConsentSession?> ActableAsync(Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        return session is not null && StaffAccess.CanAct(user, session) && await StartedByAsync(session, ct) ? session : null;
    }

    /// <summary>
    /// Of the sessions the rows give this clinician, those their first events also give them; each other
    /// one raises an AUDIT ALERT. For lists, whose query filters on the row's creator in SQL.
    /// </summary>
    public async Task<HashSet<Guid>> StartedByAsync(IReadOnlyCollection<Guid> ids, Guid clinician, CancellationToken ct)
    {
        var creators = await FirstEventsAsync(ids, ct);
        var mine = new HashSet<Guid>();
        foreach (var id in ids)
        {
            var problem = PatientBinding.CreatorProblem(new ConsentSession { Id = id, CreatedBy = clinician }, creators.GetValueOrDefault(id));
            if (problem is null && creators.ContainsKey(id))
            {
                mine.Add(id);
            }
            else
            {
                Alert(id, problem ?? "it has no first event");
            }
        }

        return mine;
    }

    private async Task<bool> StartedByAsync(ConsentSession session, CancellationToken ct)
    {
        var creators = await FirstEventsAsync([session.Id], ct);
        if (creators.TryGetValue(session.Id, out var creator) && PatientBinding.CreatorProblem(session, creator) is null)
        {
            return true;
        }

        Alert(session.Id, PatientBinding.CreatorProblem(session, creators.GetValueOrDefault(session.Id)) ?? "it has no first event");
        return false;
    }

    /// <summary>The clinician each session's <see cref="EventTypes.SessionCreated"/> names (its <c>createdBy</c>, else its actor).</summary>
    private async Task<Dictionary<Guid, string?>> FirstEventsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var first = await db.Events.AsNoTracking().Where(e => ids.Contains(e.SessionId) && e.Seq == 1 && e.Type == EventTypes.SessionCreated)
            .Select(e => new { e.SessionId, e.Payload, e.Actor }).ToListAsync(ct);
        return first.ToDictionary(e => e.SessionId,
            e => (string?)((JsonNode.Parse(e.Payload) is JsonObject p ? SessionCreatedPayload.From(p).CreatedBy : null) ?? e.Actor));
    }

    private void Alert(Guid id, string problem) =>
        logger.LogCritical("AUDIT ALERT: refused a clinician access to session {SessionId}: {Problem}.", id, problem);
}
