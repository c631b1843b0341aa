namespace Consent.Web.Data.Entities;

/// <summary>
/// A consent that needs renewing, raised by the renewal job (<see cref="UseCases.PatientRecords.ConsentRenewals"/>):
/// the patient's consent to a workflow became <c>expiring</c> or <c>reconsent-due</c>. One row per consent and
/// kind, never deleted; the service may change only when and how it was resolved and which re-consent session
/// answers it (<see cref="AppendOnlyTables.UpdatableColumns"/>), so the history of who was asked to renew, and
/// when, stays readable.
/// </summary>
public sealed class ConsentRenewal
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    public string WorkflowId { get; set; } = "";

    /// <summary><c>expiring</c> or <c>reconsent-due</c> (<see cref="Workflows.ConsentStatus.Name(Workflows.ConsentStatusKind)"/>).</summary>
    public string Kind { get; set; } = "";

    /// <summary>The session whose consent is in force and needs renewing.</summary>
    public Guid SessionId { get; set; }

    /// <summary>Its consent record's SHA-256.</summary>
    public string? RecordSha256 { get; set; }

    public int Version { get; set; }

    /// <summary>The clinician who obtained that consent: the renewal shows in their "Needs you" list.</summary>
    public Guid ClinicianId { get; set; }

    /// <summary>When that consent's validity ends, if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The status's reason when it was raised, in English for staff.</summary>
    public string Reason { get; set; } = "";

    public DateTimeOffset RaisedAt { get; set; }

    /// <summary>When the status left <see cref="Kind"/>: re-consented, withdrawn, expired, or no longer due.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>What resolved it, in English for staff.</summary>
    public string? Resolution { get; set; }

    /// <summary>The re-consent session started for it (by the job's mail, or a clinician's bulk re-consent), if any.</summary>
    public Guid? ReconsentSessionId { get; set; }
}
