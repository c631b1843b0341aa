using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.SignedRecords;
using Consent.Web.WorkflowVersions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>The consent part of the gate: the status of the patient's consent to the workflow, and its record.</summary>
public sealed record GateConsent(string Status, string? RecordSha256, int? Version, DateTimeOffset? ExpiresAt);

/// <summary>The check-in part of the gate: the latest check-in for the consent, and when it was cleared (or ended).</summary>
public sealed record GateCheckin(string Status, DateTimeOffset? At);

/// <summary>
/// The consent gate's answer (<c>GET /api/v1/patients/{id}/gate</c>, <c>POST /api/v1/gate/lookup</c>, and the CDS Hooks cards):
/// <see cref="Allowed"/> only when the consent is in force and a check-in was cleared today.
/// </summary>
public sealed record GateView(Guid PatientId, string Workflow, bool Allowed, GateConsent Consent, GateCheckin? Checkin, IReadOnlyList<string> Reasons)
{
    /// <summary>Whether the consent itself is in force (<c>valid</c> or <c>expiring</c>), whatever the check-in.</summary>
    public bool ConsentInForce => Consent.Status is "valid" or "expiring";
}

/// <summary>The body of <c>POST /api/v1/gate/lookup</c>: the patient by MRN and date of birth, so an MRN never appears in an address.</summary>
public sealed record GateLookupInput(string? Mrn, string? DateOfBirth, string? Workflow);

/// <summary>
/// The consent gate: may this patient be dosed under this consent workflow now? Yes only when the consent is in force
/// (<c>valid</c>, or <c>expiring</c>: still in force, with a reason saying it ends soon) and a check-in requiring that
/// consent was cleared today, "today" being the clinic's day in <c>Consent:TimeZone</c>.
/// </summary>
/// <remarks>
/// Issue 14 says "allowed only when the consent is valid". <c>expiring</c> is a consent in force that ends within the
/// version's notice: the same issue lets a check-in start while the consent is valid or expiring, so an expiring consent
/// allows a dose too, and its reason says when it ends. <c>reconsent-due</c> (in force, but a newer version requires
/// re-consent) does not allow a dose: the clinic must re-consent first.
/// </remarks>
public sealed class ConsentGate(ConsentDbContext db, WorkflowRegistry workflows, PatientConsents consents, ClinicSettings clinic, TimeProvider clock)
{
    /// <summary>The gate for a patient by id.</summary>
    public async Task<Outcome<GateView>> CheckAsync(Guid patientId, string? workflow, CancellationToken ct)
    {
        if (WorkflowError(workflow) is { } error)
        {
            return error;
        }

        if (!await db.Patients.AsNoTracking().AnyAsync(p => p.Id == patientId, ct))
        {
            return new Missing("No such patient.");
        }

        return await GateAsync(patientId, workflow!, ct);
    }

    /// <summary>The gate for a patient by MRN and date of birth; no match (or another date of birth) is the same not found.</summary>
    public async Task<Outcome<GateView>> LookupAsync(GateLookupInput? input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var mrn = input?.Mrn?.Trim();
        if (string.IsNullOrEmpty(mrn) || mrn.Length > 64 || !PatientDetailsRules.IsMrn(mrn))
        {
            errors["mrn"] = ["Give the patient's MRN (letters, digits, spaces and - . / _ #, at most 64)."];
        }

        var dateOfBirth = PatientDetailsRules.ParseDateOfBirth(input?.DateOfBirth, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        if (dateOfBirth is null)
        {
            errors["dateOfBirth"] = ["Give the patient's date of birth as YYYY-MM-DD."];
        }

        if (WorkflowError(input?.Workflow) is { } workflowError)
        {
            foreach (var (field, messages) in workflowError.Errors)
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return new FieldErrors(errors);
        }

        var patient = await FindByMrnAsync(mrn!, ct);
        if (patient is null || patient.DateOfBirth != dateOfBirth)
        {
            return new Missing("No patient has this MRN and date of birth.");
        }

        return await GateAsync(patient.Id, input!.Workflow!.Trim(), ct);
    }

    /// <summary>The patient holding an MRN, compared ignoring capitals as the unique index on <c>upper(mrn)</c> does.</summary>
    public Task<Patient?> FindByMrnAsync(string mrn, CancellationToken ct)
    {
        var key = PatientDetailsRules.MrnKey(mrn.Trim());
#pragma warning disable CA1304, CA1311, CA1862 // Runs in PostgreSQL as upper(mrn) = key, the expression the unique index is on.
        return db.Patients.AsNoTracking().SingleOrDefaultAsync(p => p.Mrn != null && p.Mrn.ToUpper() == key, ct);
#pragma warning restore CA1304, CA1311, CA1862
    }

    /// <summary>The gate for a patient known to exist and a workflow known to the registry.</summary>
    public async Task<GateView> GateAsync(Guid patientId, string workflow, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var status = ConsentStatus.Compute(await consents.SummariesAsync(patientId, now, ct), await consents.TermsAsync(ct), now)
            .SingleOrDefault(s => s.WorkflowId == workflow);
        var consent = status is null
            ? new GateConsent(ConsentStatus.Name(ConsentStatusKind.None), null, null, null)
            : new GateConsent(ConsentStatus.Name(status.Status), status.RecordSha256, status.Version, status.ExpiresAt);
        var reasons = new List<string>();
        if (status is null || status.Status is not (ConsentStatusKind.Valid or ConsentStatusKind.Expiring))
        {
            reasons.Add($"No valid consent to {workflow}: the status is {consent.Status}" + (status is null ? "." : $" ({status.Reason})."));
        }
        else if (status.Status == ConsentStatusKind.Expiring)
        {
            reasons.Add($"The consent expires at {status.ExpiresAt:O}: renew it soon.");
        }

        var (checkin, clearedToday) = await CheckinAsync(patientId, workflow, now, ct);
        if (!clearedToday)
        {
            reasons.Add($"No check-in was cleared today ({ClinicDate(now):yyyy-MM-dd} in the clinic's time zone)"
                + (checkin is null ? "." : $": the latest check-in is {checkin.Status}."));
        }

        var inForce = status?.Status is ConsentStatusKind.Valid or ConsentStatusKind.Expiring;
        return new GateView(patientId, workflow, inForce && clearedToday, consent, checkin, reasons);
    }

    /// <summary>The consent workflows the gate can be asked about (not check-ins).</summary>
    public bool IsConsentWorkflow(string id) => workflows.Catalog.Workflows.Any(w => w.Definition.Id == id && w.Definition.Kind == WorkflowKind.Consent);

    /// <summary>The clinic's date at a moment (<c>Consent:TimeZone</c>).</summary>
    private DateOnly ClinicDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, clinic.TimeZone).DateTime);

    /// <summary>
    /// The patient's latest check-in (by start) of any check-in workflow that requires this consent, and whether it was
    /// cleared today: status <c>Cleared</c> with its clearing time (<c>completed_at</c>, set by SessionWriter when a
    /// check-in becomes Cleared) on the clinic's date today.
    /// </summary>
    private async Task<(GateCheckin? Checkin, bool ClearedToday)> CheckinAsync(Guid patientId, string workflow, DateTimeOffset now, CancellationToken ct)
    {
        var checkins = workflows.Catalog.Workflows.Where(w => w.Definition.IsCheckin && w.Definition.Requires == workflow)
            .Select(w => w.Definition.Id).Distinct(StringComparer.Ordinal).ToList();
        if (checkins.Count == 0)
        {
            return (null, false);
        }

        var latest = await db.Sessions.AsNoTracking()
            .Where(s => s.PatientId == patientId && checkins.Contains(s.WorkflowId))
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .Select(s => new { s.Status, s.CompletedAt, s.UpdatedAt })
            .FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return (null, false);
        }

        var cleared = latest.Status == nameof(SessionStatus.Cleared) && latest.CompletedAt is { } at && ClinicDate(at) == ClinicDate(now);
        var ended = latest.Status is nameof(SessionStatus.Cleared) ? latest.CompletedAt ?? latest.UpdatedAt
            : latest.Status is nameof(SessionStatus.Held) or nameof(SessionStatus.NotToday) ? latest.UpdatedAt
            : (DateTimeOffset?)null;
        return (new GateCheckin(latest.Status, ended), cleared);
    }

    private FieldErrors? WorkflowError(string? workflow) =>
        string.IsNullOrWhiteSpace(workflow) ? FieldErrors.One("workflow", "Name the consent workflow, such as ketamine-iv-depression.")
        : !IsConsentWorkflow(workflow.Trim()) ? FieldErrors.One("workflow", $"No consent workflow is called {workflow.Trim()}.")
        : null;
}
