using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>A record a session produced.</summary>
public sealed record TimelineRecord(string Kind, string Sha256, DateTimeOffset IssuedAt);

/// <summary>One of the patient's sessions, as the timeline shows it (its answers stay with the clinician who started it).</summary>
public sealed record TimelineSession(
    Guid Id, string WorkflowId, int Version, string Language, string Status, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, Guid StartedBy,
    IReadOnlyList<TimelineRecord> Records);

/// <summary>One correction of the patient's details.</summary>
public sealed record TimelineCorrection(DateTimeOffset ChangedAt, Guid ChangedBy, string Reason, JsonObject Changes);

/// <summary>A patient, every session with its records, and every correction (<c>GET /api/v1/patients/{id}</c>).</summary>
public sealed record PatientTimelineView(PatientView Patient, IReadOnlyList<TimelineSession> Sessions, IReadOnlyList<TimelineCorrection> Corrections);

/// <summary>The patient's timeline, newest session first.</summary>
public sealed class PatientTimeline(ConsentDbContext db, TimeProvider clock)
{
    public async Task<Outcome<PatientTimelineView>> GetAsync(Guid id, CancellationToken ct)
    {
        var patient = await db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (patient is null)
        {
            return new Missing("No such patient.");
        }

        var now = clock.GetUtcNow();
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.PatientId == id).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .Select(s => new { s.Id, s.WorkflowId, s.WorkflowVersion, s.Language, s.Status, s.CreatedAt, s.CompletedAt, s.ExpiresAt, s.CreatedBy })
            .ToListAsync(ct);
        var ids = sessions.Select(s => s.Id).ToList();
        var records = (await db.Records.AsNoTracking().Where(r => ids.Contains(r.SessionId)).OrderBy(r => r.IssuedAt)
                .Select(r => new { r.SessionId, r.Kind, r.Sha256, r.IssuedAt }).ToListAsync(ct))
            .ToLookup(r => r.SessionId, r => new TimelineRecord(r.Kind, r.Sha256, r.IssuedAt));
        var corrections = await db.PatientChanges.AsNoTracking().Where(c => c.PatientId == id).OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return new PatientTimelineView(
            PatientView.Of(patient),
            [.. sessions.Select(s => new TimelineSession(s.Id, s.WorkflowId, s.WorkflowVersion, s.Language,
                EffectiveStatus(s.Status, s.ExpiresAt, now), s.CreatedAt, s.CompletedAt, s.CreatedBy, [.. records[s.Id]]))],
            [.. corrections.Select(c => new TimelineCorrection(c.ChangedAt, c.ChangedBy, c.Reason, JsonNode.Parse(c.Changes)!.AsObject()))]);
    }

    /// <summary>The session's status, with an invitation whose link ran out shown as <c>Expired</c> even before anything marks it so.</summary>
    public static string EffectiveStatus(string status, DateTimeOffset linkExpiresAt, DateTimeOffset now) =>
        status is nameof(SessionStatus.Invited) or nameof(SessionStatus.InProgress) && linkExpiresAt <= now ? nameof(SessionStatus.Expired) : status;
}
