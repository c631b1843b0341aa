using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>A record a session produced.</summary>
public sealed record TimelineRecord(string Kind, string Sha256, DateTimeOffset IssuedAt);

/// <summary>The consent a check-in relied on: its session and the SHA-256 of its signed record (null while that record is not issued).</summary>
public sealed record TimelineReliesOn(Guid SessionId, string? RecordSha256);

/// <summary>One of the patient's sessions, as the timeline shows it (its answers stay with the clinician who started it).</summary>
/// <param name="Kind"><c>consent</c>, or <c>checkin</c> for a dose-day check-in.</param>
/// <param name="ReliesOn">For a check-in: the consent it relied on, as its first event sealed it; null otherwise (and for a check-in started before it was sealed).</param>
public sealed record TimelineSession(
    Guid Id, string WorkflowId, int Version, string Language, string Status, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, Guid StartedBy,
    IReadOnlyList<TimelineRecord> Records, string Kind = TimelineSession.Consent, TimelineReliesOn? ReliesOn = null)
{
    public const string Consent = "consent";
    public const string Checkin = "checkin";
}

/// <summary>One correction of the patient's details.</summary>
public sealed record TimelineCorrection(DateTimeOffset ChangedAt, Guid ChangedBy, string Reason, JsonObject Changes);

/// <summary>A patient, every session with its records, and every correction (<c>GET /api/v1/patients/{id}</c>).</summary>
public sealed record PatientTimelineView(PatientView Patient, IReadOnlyList<TimelineSession> Sessions, IReadOnlyList<TimelineCorrection> Corrections);

/// <summary>The patient's timeline, newest session first.</summary>
public sealed class PatientTimeline(ConsentDbContext db, WorkflowVersions.WorkflowRegistry workflows, TimeProvider clock)
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
        var reliesOn = await ReliesOnAsync(sessions.Where(s => IsCheckin(s.WorkflowId)).Select(s => s.Id).ToList(), ct);
        var corrections = await db.PatientChanges.AsNoTracking().Where(c => c.PatientId == id).OrderBy(c => c.ChangedAt).ThenBy(c => c.Id).ToListAsync(ct);
        return new PatientTimelineView(
            PatientView.Of(patient),
            [.. sessions.Select(s => new TimelineSession(s.Id, s.WorkflowId, s.WorkflowVersion, s.Language,
                EffectiveStatus(s.Status, s.ExpiresAt, now), s.CreatedAt, s.CompletedAt, s.CreatedBy, [.. records[s.Id]],
                IsCheckin(s.WorkflowId) ? TimelineSession.Checkin : TimelineSession.Consent, reliesOn.GetValueOrDefault(s.Id)))],
            [.. corrections.Select(c => new TimelineCorrection(c.ChangedAt, c.ChangedBy, c.Reason, JsonNode.Parse(c.Changes)!.AsObject()))]);
    }

    private bool IsCheckin(string workflowId) => workflows.Catalog.Workflows.Any(w => w.Definition.Id == workflowId && w.Definition.IsCheckin);

    /// <summary>
    /// The consent each check-in relied on, as its first event sealed it (<see cref="ReliesOn"/>), with the SHA-256 of that
    /// consent's stored record when the seal lacks it (the record was issued after the check-in started).
    /// </summary>
    private async Task<Dictionary<Guid, TimelineReliesOn>> ReliesOnAsync(List<Guid> checkins, CancellationToken ct)
    {
        if (checkins.Count == 0)
        {
            return [];
        }

        var created = await db.Events.AsNoTracking().Where(e => checkins.Contains(e.SessionId) && e.Type == EventTypes.SessionCreated)
            .Select(e => new { e.SessionId, e.Payload }).ToListAsync(ct);
        var sealedLinks = created
            .Select(e => (e.SessionId, ReliesOn: JsonNode.Parse(e.Payload) is JsonObject p ? SessionCreatedPayload.From(p).ReliesOn : null))
            .Where(e => e.ReliesOn is not null).ToList();
        var consentIds = sealedLinks.Select(e => e.ReliesOn!.SessionId).Distinct().ToList();
        var stored = await db.Records.AsNoTracking().Where(r => consentIds.Contains(r.SessionId) && r.Kind == nameof(Consent.Records.RecordKind.Consent))
            .ToDictionaryAsync(r => r.SessionId, r => r.Sha256, ct);
        return sealedLinks.ToDictionary(e => e.SessionId,
            e => new TimelineReliesOn(e.ReliesOn!.SessionId, e.ReliesOn.RecordSha256 ?? stored.GetValueOrDefault(e.ReliesOn.SessionId)));
    }

    /// <summary>The session's status, with an invitation whose link ran out shown as <c>Expired</c> even before anything marks it so.</summary>
    public static string EffectiveStatus(string status, DateTimeOffset linkExpiresAt, DateTimeOffset now) =>
        status is nameof(SessionStatus.Invited) or nameof(SessionStatus.InProgress) && linkExpiresAt <= now ? nameof(SessionStatus.Expired) : status;
}
