using Consent.Records;
using Consent.Web.Data;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>One signed consent record and what became of it.</summary>
public sealed record ConsentRecordView(Guid SessionId, string? RecordSha256, int Version, DateTimeOffset SignedAt, DateTimeOffset? ExpiresAt, string State);

/// <summary>A patient's consent to one workflow (<c>GET /api/v1/patients/{id}/consents</c>).</summary>
public sealed record ConsentStatusView(
    string WorkflowId, string Status, Guid? SessionId, string? RecordSha256, int? Version, DateTimeOffset? SignedAt, DateTimeOffset? ExpiresAt,
    string Reason, IReadOnlyList<ConsentRecordView> Records);

/// <summary>A patient's consent status per workflow, judged at <paramref name="At"/>.</summary>
public sealed record PatientConsentsView(Guid PatientId, DateTimeOffset At, IReadOnlyList<ConsentStatusView> Consents);

/// <summary>
/// A patient's consent status per workflow: <see cref="ConsentStatus.Compute"/> over the patient's sessions,
/// the registry's version terms (approved as the sealed ethics decisions say) and the service's clock.
/// </summary>
public sealed class PatientConsents(ConsentDbContext db, WorkflowRegistry workflows, WorkflowApprovals approvals, TimeProvider clock)
{
    public async Task<Outcome<PatientConsentsView>> GetAsync(Guid patientId, CancellationToken ct)
    {
        if (!await db.Patients.AsNoTracking().AnyAsync(p => p.Id == patientId, ct))
        {
            return new Missing("No such patient.");
        }

        var now = clock.GetUtcNow();
        var statuses = ConsentStatus.Compute(await SummariesAsync(patientId, now, ct), await TermsAsync(ct), now);
        return new PatientConsentsView(patientId, now, [.. statuses.Select(View)]);
    }

    /// <summary>
    /// The terms of every consent version in the registry, approved when its sealed decisions say so. Check-in
    /// workflows are not consents: they have no status of their own here.
    /// </summary>
    public async Task<IReadOnlyList<WorkflowVersionTerms>> TermsAsync(CancellationToken ct)
    {
        var approved = (await approvals.ApprovedAsync(null, ct)).Select(v => (v.WorkflowId, v.Version)).ToHashSet();
        return [.. workflows.Catalog.Workflows.Where(w => w.Definition.Kind == WorkflowKind.Consent)
            .Select(w => WorkflowVersionTerms.Of(w.Definition, approved.Contains((w.Definition.Id, w.Definition.Version))))];
    }

    /// <summary>
    /// The patient's sessions as the status needs them. A session's consent was signed when the clinician
    /// countersigned (<c>completed_at</c>, held to the chain by PatientBinding); a withdrawal ends at its
    /// signed withdrawal record; an invitation whose link ran out counts as ran out even before anything
    /// marks it so.
    /// </summary>
    public async Task<IReadOnlyList<ConsentSessionSummary>> SummariesAsync(Guid patientId, DateTimeOffset now, CancellationToken ct) =>
        (await SummariesAsync([patientId], now, ct)).GetValueOrDefault(patientId) ?? [];

    /// <summary>The sessions of several patients at once (the renewal job's batches), as <see cref="SummariesAsync(Guid, DateTimeOffset, CancellationToken)"/> gives one's.</summary>
    public async Task<Dictionary<Guid, List<ConsentSessionSummary>>> SummariesAsync(IReadOnlyCollection<Guid> patientIds, DateTimeOffset now, CancellationToken ct)
    {
        var checkins = workflows.Catalog.Workflows.Where(w => w.Definition.IsCheckin).Select(w => w.Definition.Id).ToHashSet(StringComparer.Ordinal);
        var rows = (await db.Sessions.AsNoTracking().Where(s => patientIds.Contains(s.PatientId))
            .Select(s => new { s.Id, s.PatientId, s.WorkflowId, s.WorkflowVersion, s.Status, s.CreatedAt, s.UpdatedAt, s.CompletedAt, s.ExpiresAt })
            .ToListAsync(ct)).Where(r => !checkins.Contains(r.WorkflowId)).ToList(); // a check-in neither gives nor takes consent
        var ids = rows.Select(r => r.Id).ToList();
        var records = await db.Records.AsNoTracking().Where(r => ids.Contains(r.SessionId))
            .Select(r => new { r.SessionId, r.Kind, r.Sha256, r.IssuedAt }).ToListAsync(ct);
        var consent = records.Where(r => r.Kind == nameof(RecordKind.Consent)).ToDictionary(r => r.SessionId, r => r.Sha256);
        var withdrawal = records.Where(r => r.Kind == nameof(RecordKind.Withdrawal)).ToDictionary(r => r.SessionId, r => r.IssuedAt);
        var byPatient = new Dictionary<Guid, List<ConsentSessionSummary>>();
        foreach (var r in rows)
        {
            if (!byPatient.TryGetValue(r.PatientId, out var list))
            {
                byPatient[r.PatientId] = list = [];
            }

            list.Add(Summary(r.Id, r.WorkflowId, r.WorkflowVersion, r.Status, r.CreatedAt, r.UpdatedAt, r.CompletedAt, r.ExpiresAt,
                consent.GetValueOrDefault(r.Id), withdrawal.TryGetValue(r.Id, out var at) ? at : null, now));
        }

        return byPatient;
    }

    /// <summary>
    /// One session row as the status needs it (also used by <see cref="ConsentGate"/>, which reads the same columns in
    /// its one statement): <paramref name="consentSha256"/> is its consent record's hash and <paramref name="withdrawnAt"/>
    /// its withdrawal record's issue time, when it has them.
    /// </summary>
    internal static ConsentSessionSummary Summary(Guid id, string workflowId, int version, string statusName, DateTimeOffset createdAt,
        DateTimeOffset updatedAt, DateTimeOffset? completedAt, DateTimeOffset expiresAt, string? consentSha256, DateTimeOffset? withdrawnAt,
        DateTimeOffset now)
    {
        var status = Enum.Parse<SessionStatus>(statusName);
        if (status is SessionStatus.Invited or SessionStatus.InProgress && expiresAt <= now)
        {
            status = SessionStatus.Expired;
        }

        var signed = status is SessionStatus.Completed or SessionStatus.Withdrawn;
        DateTimeOffset? ended = status switch
        {
            SessionStatus.Withdrawn => withdrawnAt ?? updatedAt,
            SessionStatus.Declined or SessionStatus.Referred or SessionStatus.Voided => updatedAt,
            SessionStatus.Expired => expiresAt,
            _ => null,
        };
        return new ConsentSessionSummary(id, workflowId, version, status, createdAt, signed ? completedAt ?? updatedAt : null, ended, consentSha256);
    }

    /// <summary>
    /// The FHIR export's view of a record now: a consent record that was superseded, withdrawn or ran out is
    /// <c>inactive</c>, and its validity's end is <c>provision.period.end</c> (HL7 FHIR R4 Consent).
    /// </summary>
    public async Task<FhirBundleOptions> FhirOptionsAsync(Data.Entities.ConsentSession session, RecordKind kind, CancellationToken ct)
    {
        if (kind != RecordKind.Consent)
        {
            return FhirBundleOptions.Default;
        }

        var now = clock.GetUtcNow();
        var record = ConsentStatus.Compute(await SummariesAsync(session.PatientId, now, ct), await TermsAsync(ct), now)
            .Where(s => s.WorkflowId == session.WorkflowId).SelectMany(s => s.Records).SingleOrDefault(r => r.SessionId == session.Id);
        return record is null ? FhirBundleOptions.Default : FhirBundleOptions.Default with
        {
            ConsentInForce = record.State == ConsentRecordState.Active,
            ExpiresAt = record.ExpiresAt,
        };
    }

    private static ConsentStatusView View(WorkflowConsentStatus s) => new(
        s.WorkflowId, ConsentStatus.Name(s.Status), s.SessionId, s.RecordSha256, s.Version, s.SignedAt, s.ExpiresAt, s.Reason,
        [.. s.Records.Select(r => new ConsentRecordView(r.SessionId, r.RecordSha256, r.Version, r.SignedAt, r.ExpiresAt, ConsentStatus.Name(r.State)))]);
}
