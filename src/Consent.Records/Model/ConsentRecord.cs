namespace Consent.Records;

/// <summary>Everything a signed consent record shows, gathered from a finished session. No web or database types.</summary>
public sealed record ConsentRecord
{
    /// <summary>Whether this records consent given, a withdrawal, or a session that ended without consent.</summary>
    public required RecordKind Kind { get; init; }

    /// <summary>The clinic that issues the record.</summary>
    public required ClinicDetails Clinic { get; init; }

    /// <summary>The consent session this record belongs to.</summary>
    public required Guid SessionId { get; init; }

    /// <summary>The person giving (or declining) consent.</summary>
    public required PatientDetails Patient { get; init; }

    /// <summary>The approved workflow version the session ran on.</summary>
    public required WorkflowReference Workflow { get; init; }

    /// <summary>
    /// The ethics reviewers' signed approvals the workflow version was in use on when the session started, in the order
    /// they were made; the summary states each ("Approved for use with patients by …, …"). Empty: nothing is printed.
    /// </summary>
    public IReadOnlyList<WorkflowApproval> WorkflowApprovals { get; init; } = [];

    /// <summary>The clinic's time zone; every time in the record is shown in it, with its UTC offset.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>
    /// The clinic's own language (BCP 47) when it differs from the session's and the record carries the
    /// clinic-language wording of every disclosure, screening question and quiz question beside the
    /// patient's (the <c>Clinic…</c> fields of the steps), for the clinic's reference. Null for a record
    /// in the clinic's language, which shows no such wording.
    /// </summary>
    public string? ClinicLanguage { get; init; }

    /// <summary>
    /// For a consent given on paper: the scanned form and its facts. The record is then a cover page (who, what, the
    /// clinician's attestation and signature) followed by the scan's pages.
    /// </summary>
    public PaperForm? Paper { get; init; }

    /// <summary>When the session was started by the clinician.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the session reached its end (completed, declined, referred or withdrawn).</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>When this record is issued; also the signing time written into the PDF signature.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>How the patient proved who they are.</summary>
    public IdentityCheck? IdentityCheck { get; init; }

    /// <summary>Screening questions in the order they were answered.</summary>
    public IReadOnlyList<ScreeningAnswer> ScreeningAnswers { get; init; } = [];

    /// <summary>Each disclosure exactly as shown, with its acknowledgment.</summary>
    public IReadOnlyList<DisclosureAcknowledgment> Disclosures { get; init; } = [];

    /// <summary>The teach-back quiz, when the workflow has one.</summary>
    public ComprehensionCheck? Comprehension { get; init; }

    /// <summary>Questions the patient asked and the clinician's answers.</summary>
    public IReadOnlyList<PatientQuestion> Questions { get; init; } = [];

    /// <summary>Notes of discussions a clinician held with the patient (for example after a failed quiz).</summary>
    public IReadOnlyList<ClinicianDiscussion> Discussions { get; init; } = [];

    /// <summary>Everyone who signed: the patient, then the countersigning clinician.</summary>
    public IReadOnlyList<RecordSignature> Signatures { get; init; } = [];

    /// <summary>The statement the patient certified when signing.</summary>
    public string? CertificationStatement { get; init; }

    /// <summary>The clinician's attestation accepted at countersigning.</summary>
    public string? ClinicianAttestation { get; init; }

    /// <summary>How the patient can withdraw consent later.</summary>
    public string? HowToWithdraw { get; init; }

    /// <summary>Why the session ended without (or withdrew) consent; required for every kind but <see cref="RecordKind.Consent"/>.</summary>
    public RecordOutcome? Outcome { get; init; }

    /// <summary>The record a withdrawal withdraws; required for <see cref="RecordKind.Withdrawal"/>.</summary>
    public WithdrawnRecord? Withdrawn { get; init; }

    /// <summary>For a consent given again (a re-consent): the earlier consent record it replaces.</summary>
    public SupersededRecord? Supersedes { get; init; }

    /// <summary>What a dose-day check-in record shows; required for <see cref="RecordKind.Checkin"/>, null otherwise.</summary>
    public CheckinDetails? Checkin { get; init; }

    /// <summary>The session's hash-chained event log.</summary>
    public required AuditTrail Audit { get; init; }
}

/// <summary>A scanned wet-ink consent form: its bytes (PDF, JPEG or PNG), their SHA-256 (lower-case hex), pages, and the date the patient signed it.</summary>
public sealed record PaperForm(byte[] Scan, string ContentType, string Sha256, int Pages, DateOnly SignedOn);
