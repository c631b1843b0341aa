namespace Consent.Web.Data;

/// <summary>
/// The tables that hold history. The service's runtime role may only read and append to them
/// (SELECT, INSERT): the grants (<see cref="Hosting.DatabaseRoles"/>) and the start-up check of the
/// service's own role (<see cref="Hosting.RuntimeRoleCheck"/>) both read this one list, so a new
/// history table is protected by adding its name here.
/// </summary>
public static class AppendOnlyTables
{
    /// <summary>
    /// The hash-chained event log, the signed records (stored once, never changed: RecordIssuer), and
    /// the ethics decisions on workflow versions (added by WorkflowsApi and WorkflowSync, never changed),
    /// and the staff accounts' seal history (Identity/StaffAccountSeals.cs: the latest entry is the
    /// account's current seal, so an earlier state written back is refused), and the corrections of
    /// patients' details (UseCases/PatientRecords/PatientRegistry.cs), and the system audit trail of staff
    /// actions and reads (SystemEvents/; 21 CFR 11.10(e), 45 CFR 164.312(b)), and the scanned paper consent forms
    /// (UseCases/Clinician/PaperConsents.cs; each named on its session's chain by its SHA-256), and the versions of the
    /// records' long-term evidence (SignedRecords/RecordEvidenceJob.cs; each appends to the last, named on the system trail),
    /// and the anchored checkpoints of the chains with their leaves (Checkpoints/; docs/checkpoints.md), and the session
    /// heads the audit found verified (Audit/AuditService.cs; the incremental audit starts from them).
    /// </summary>
    public static readonly IReadOnlyList<string> Names =
        ["consent_events", "consent_records", "workflow_reviews", "staff_account_seals", "patient_changes", "system_events", "paper_scans",
            "record_evidence", "chain_checkpoints", "chain_checkpoint_leaves", "audit_points"];

    /// <summary>
    /// Tables whose rows the service changes in a few columns only and never deletes: the runtime role
    /// may UPDATE just these columns. A workflow version's approval state changes when a reviewer
    /// decides (WorkflowsApi.DecideAsync); its hash, file and titles are fixed once loaded (WorkflowSync),
    /// and start-up compares the hash with the file, so it must not be changeable by the service. A consent
    /// renewal (UseCases/PatientRecords/ConsentRenewals.cs) is raised once and only resolved, or answered by a
    /// re-consent session, afterwards: which consent was due, for whom and since when stays as raised.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> UpdatableColumns =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["workflow_versions"] = ["approval"],
            ["consent_renewals"] = ["resolved_at", "resolution", "reconsent_session_id"],
        };
}
