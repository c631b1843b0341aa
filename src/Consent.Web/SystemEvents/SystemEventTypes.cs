namespace Consent.Web.SystemEvents;

/// <summary>
/// The types of system events, stable dotted names (docs/system-events.md): once written they are part of
/// hashed history, so a name is never changed or reused.
/// </summary>
public static class SystemEventTypes
{
    public const string SignInSucceeded = "staff.sign-in.succeeded";
    public const string SignInFailed = "staff.sign-in.failed";
    public const string SignedOut = "staff.signed-out";
    public const string TwoFactorEnrolled = "staff.two-factor.enrolled";
    public const string TwoFactorReset = "staff.two-factor.reset";
    public const string PasswordReset = "staff.password.reset";
    public const string AccountCreated = "staff.account.created";
    public const string AccountInvited = "staff.account.invited";
    public const string InvitationResent = "staff.account.invitation-resent";
    public const string AccountActivated = "staff.account.activated";
    public const string PasswordChanged = "staff.password.changed";
    public const string PasswordResetRequested = "staff.password.reset-requested";
    public const string PasswordResetByLink = "staff.password.reset-by-link";
    public const string TrainingAttested = "staff.training.attested";
    public const string SignatureAuthenticated = "staff.signature.authenticated";
    public const string AccountDeactivated = "staff.account.deactivated";
    public const string AccountReactivated = "staff.account.reactivated";
    public const string RolesChanged = "staff.account.roles-changed";

    /// <summary>Wrong passwords or codes locked an account (21 CFR 11.300(d)); it goes into the admins' alert digest.</summary>
    public const string AccountLockedOut = "staff.account.locked-out";
    public const string WorkflowApproved = "workflow.version.approved";
    public const string WorkflowRetired = "workflow.version.retired";
    /// <summary>An export ZIP was written in full; <c>detail.manifestSha256</c> is the SHA-256 of its <c>manifest.csv</c>.</summary>
    public const string RecordsExported = "records.exported";

    /// <summary>At start-up, the record-signing certificate is not the one last recorded (or none was): <see cref="OperationsEvents"/>.</summary>
    public const string SigningCertificateChanged = "operations.signing-certificate.changed";

    /// <summary>The <c>audit</c> command or the periodic audit ran, with its results: <see cref="OperationsEvents"/>.</summary>
    public const string AuditRun = "operations.audit.run";

    /// <summary>
    /// Wrong dates of birth locked a patient's consent link (the session's <c>LinkLocked</c> event): someone holding
    /// the link may be guessing; it goes into the admins' alert digest. Names the session and patient, never a date.
    /// </summary>
    public const string PatientLinkLocked = "patient.link.locked";

    /// <summary>
    /// The admins were sent a digest of the alerts on the trail after <c>detail.afterSeq</c> up to <c>detail.throughSeq</c>
    /// (Alerts/AlertDigests.cs): how many of each kind, and which admins it was mailed to.
    /// </summary>
    public const string AlertDigestSent = "alerts.digest.sent";

    /// <summary>
    /// A stored record gained long-term evidence (SignedRecords/RecordEvidenceJob.cs): a new version appending validation
    /// data or a document time-stamp to the file; <c>detail</c> names the record kind, the version, the new file's SHA-256,
    /// the previous one's, the PAdES level reached and what was added. The session is the record's.
    /// </summary>
    public const string RecordEvidenceAdded = "record.evidence.added";

    /// <summary>A staff member read patient data; <c>detail.what</c> names what (<see cref="Reads"/>).</summary>
    public const string PatientDataRead = "patient-data.read";

    /// <summary>The system chain's own loss notice: events that could not be queued (the queue was full).</summary>
    public const string EventsLost = "system.events-lost";

    /// <summary>What a <see cref="PatientDataRead"/> read: the value of its <c>detail.what</c>.</summary>
    public static class Reads
    {
        public const string SessionDetail = "session.detail";
        public const string SessionEvents = "session.events";
        public const string SessionPage = "session.page";
        public const string RecordPdf = "session.record-pdf";
        public const string Fhir = "session.fhir";
        public const string Patient = "patient.detail";
        public const string PatientConsents = "patient.consents";
        public const string PatientGate = "patient.gate";
        public const string PatientPage = "patient.page";
        public const string PatientSearch = "patients.search";
        public const string PatientList = "patients.list-page";
        public const string SessionList = "sessions.list";
        public const string SessionListPage = "sessions.list-page";
        public const string Renewals = "renewals.list";
        public const string RenewalsPage = "renewals.page";
        public const string CheckinsPage = "checkins.page";
        public const string GateLookup = "gate.lookup";

        /// <summary>The start page for a registered patient (<c>/clinician/start?patientId=</c>): their name, date of birth and MRN.</summary>
        public const string StartForPatient = "patient.start-page";

        /// <summary>A registration or a start whose MRN is another patient's: the 409 names that patient.</summary>
        public const string MrnConflict = "patients.mrn-conflict";
    }

    public static bool IsWellFormed(string type) =>
        type.Length is > 0 and <= 60 && type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-');
}
