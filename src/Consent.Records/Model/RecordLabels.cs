namespace Consent.Records;

/// <summary>Every fixed heading and caption of a record, in one language. English and Spanish ship; others fall back to English.</summary>
public sealed record RecordLabels
{
    /// <summary>English labels.</summary>
    public static RecordLabels English { get; } = new();

    /// <summary>Spanish labels.</summary>
    public static RecordLabels Spanish { get; } = RecordLabelsSpanish.Create();

    /// <summary>Labels for a BCP 47 language tag ("es", "es-MX" -> Spanish); English when the language is not shipped.</summary>
    public static RecordLabels For(string? language)
    {
        var primary = (language ?? "").Split('-', '_')[0];
        return string.Equals(primary, "es", StringComparison.OrdinalIgnoreCase) ? Spanish : English;
    }

    /// <summary>The language of these labels.</summary>
    public string Language { get; init; } = "en";

    /// <summary>Document title.</summary>
    public string DocumentTitle { get; init; } = "Informed consent record";

    /// <summary>Subtitle per record kind.</summary>
    public string KindConsent { get; init; } = "Consent to treatment";

    /// <summary>Subtitle for a withdrawal record.</summary>
    public string KindWithdrawal { get; init; } = "Withdrawal of consent";

    /// <summary>Subtitle for a declined-session summary.</summary>
    public string KindDeclined { get; init; } = "Summary of a declined consent session";

    /// <summary>Subtitle for a referred-session summary.</summary>
    public string KindReferred { get; init; } = "Summary of a session ended by referral";

    /// <summary>Status shown for a consent record.</summary>
    public string StatusConsent { get; init; } = "Consent given";

    /// <summary>Status shown for a withdrawal record.</summary>
    public string StatusWithdrawal { get; init; } = "Consent withdrawn";

    /// <summary>Status shown for a declined summary.</summary>
    public string StatusDeclined { get; init; } = "Declined";

    /// <summary>Status shown for a referred summary.</summary>
    public string StatusReferred { get; init; } = "Referred";

    /// <summary>Summary section heading.</summary>
    public string Summary { get; init; } = "Summary";

    /// <summary>Caption: patient name.</summary>
    public string Patient { get; init; } = "Patient";

    /// <summary>Caption: date of birth.</summary>
    public string DateOfBirth { get; init; } = "Date of birth";

    /// <summary>Caption: medical record number.</summary>
    public string MedicalRecordNumber { get; init; } = "Medical record number";

    /// <summary>Caption: session id.</summary>
    public string Session { get; init; } = "Session";

    /// <summary>Caption: workflow title.</summary>
    public string Workflow { get; init; } = "Consent workflow";

    /// <summary>Caption: workflow id and version.</summary>
    public string WorkflowVersion { get; init; } = "Workflow id and version";

    /// <summary>Caption: session language.</summary>
    public string SessionLanguage { get; init; } = "Language";

    /// <summary>Caption: workflow hash.</summary>
    public string WorkflowHash { get; init; } = "Workflow SHA-256";

    /// <summary>Caption: status.</summary>
    public string Status { get; init; } = "Status";

    /// <summary>Caption: session start.</summary>
    public string Started { get; init; } = "Session started";

    /// <summary>Caption: session end.</summary>
    public string Ended { get; init; } = "Session ended";

    /// <summary>Caption: record issue time.</summary>
    public string Issued { get; init; } = "Record issued";

    /// <summary>Caption: version word in "version 3".</summary>
    public string Version { get; init; } = "version";

    /// <summary>Identity section heading.</summary>
    public string IdentityCheck { get; init; } = "Identity check";

    /// <summary>Caption: identity verified at.</summary>
    public string VerifiedAt { get; init; } = "Verified";

    /// <summary>Caption: method.</summary>
    public string Method { get; init; } = "Method";

    /// <summary>Caption: failed attempts.</summary>
    public string FailedAttempts { get; init; } = "Failed attempts before success";

    /// <summary>Screening section heading.</summary>
    public string Screening { get; init; } = "Screening answers";

    /// <summary>Column: question.</summary>
    public string Question { get; init; } = "Question";

    /// <summary>Column: answer.</summary>
    public string Answer { get; init; } = "Answer";

    /// <summary>Column: answered at.</summary>
    public string AnsweredAt { get; init; } = "Answered";

    /// <summary>Disclosures section heading.</summary>
    public string Disclosures { get; init; } = "Disclosures as shown to the patient";

    /// <summary>Acknowledgment line prefix.</summary>
    public string Acknowledged { get; init; } = "Acknowledged";

    /// <summary>Acknowledgment by checkbox.</summary>
    public string ByCheckbox { get; init; } = "by checkbox";

    /// <summary>Acknowledgment by initials.</summary>
    public string ByInitials { get; init; } = "by initials";

    /// <summary>Caption: content hash of a disclosure.</summary>
    public string ContentHash { get; init; } = "Text SHA-256";

    /// <summary>Comprehension section heading.</summary>
    public string Comprehension { get; init; } = "Comprehension check (teach-back)";

    /// <summary>Caption: attempt number.</summary>
    public string Attempt { get; init; } = "Attempt";

    /// <summary>Column: chosen answer.</summary>
    public string ChosenAnswer { get; init; } = "Answer chosen";

    /// <summary>Column: result.</summary>
    public string Result { get; init; } = "Result";

    /// <summary>Correct answer.</summary>
    public string Correct { get; init; } = "Correct";

    /// <summary>Incorrect answer.</summary>
    public string Incorrect { get; init; } = "Incorrect";

    /// <summary>Quiz passed.</summary>
    public string Passed { get; init; } = "Passed";

    /// <summary>Quiz not passed.</summary>
    public string NotPassed { get; init; } = "Not passed";

    /// <summary>Quiz resolved by clinician.</summary>
    public string ResolvedByClinician { get; init; } = "Not passed; resolved by a clinician discussion";

    /// <summary>Questions section heading.</summary>
    public string QuestionsAndAnswers { get; init; } = "Patient questions and answers";

    /// <summary>Caption: asked at.</summary>
    public string Asked { get; init; } = "Asked";

    /// <summary>Caption: answered by.</summary>
    public string AnsweredBy { get; init; } = "Answered by";

    /// <summary>Question without answer.</summary>
    public string NotAnswered { get; init; } = "Not answered";

    /// <summary>Discussions section heading.</summary>
    public string Discussions { get; init; } = "Clinician discussions";

    /// <summary>Caption: noted by.</summary>
    public string NotedBy { get; init; } = "Noted by";

    /// <summary>Certification section heading.</summary>
    public string Certification { get; init; } = "Certification";

    /// <summary>Clinician attestation heading.</summary>
    public string ClinicianAttestation { get; init; } = "Clinician attestation";

    /// <summary>Signatures section heading.</summary>
    public string Signatures { get; init; } = "Signatures";

    /// <summary>Role: patient.</summary>
    public string RolePatient { get; init; } = "Patient";

    /// <summary>Role: clinician.</summary>
    public string RoleClinician { get; init; } = "Clinician";

    /// <summary>Caption: role.</summary>
    public string Role { get; init; } = "Role";

    /// <summary>Caption: signed at.</summary>
    public string SignedAt { get; init; } = "Signed";

    /// <summary>Caption: meaning of the signature.</summary>
    public string Meaning { get; init; } = "Meaning";

    /// <summary>Caption in the empty signature box of a patient who signed with the typed name only.</summary>
    public string TypedSignature { get; init; } = "Signed by typed name";

    /// <summary>Caption in the clinician's signature box: the countersignature is the signed-in clinician re-entering the password.</summary>
    public string ElectronicSignature { get; init; } = "Signed electronically by password re-entry";

    /// <summary>How to withdraw heading.</summary>
    public string HowToWithdraw { get; init; } = "How to withdraw your consent";

    /// <summary>Outcome heading.</summary>
    public string Outcome { get; init; } = "Outcome";

    /// <summary>Caption: reason.</summary>
    public string Reason { get; init; } = "Reason";

    /// <summary>Caption: when the outcome happened.</summary>
    public string OutcomeAt { get; init; } = "Recorded";

    /// <summary>Withdrawal heading.</summary>
    public string WithdrawnRecord { get; init; } = "Consent record withdrawn";

    /// <summary>Caption: original session.</summary>
    public string OriginalSession { get; init; } = "Original session";

    /// <summary>Caption: original record hash.</summary>
    public string OriginalRecordHash { get; init; } = "Original record SHA-256";

    /// <summary>Audit page heading.</summary>
    public string AuditTrail { get; init; } = "Audit trail";

    /// <summary>Audit page introduction.</summary>
    public string AuditIntro { get; init; } =
        "Every event of this session, in order. Each event's hash covers the previous hash, so any change, deletion or reordering breaks the chain.";

    /// <summary>Column: sequence number.</summary>
    public string Sequence { get; init; } = "#";

    /// <summary>Column: time.</summary>
    public string Time { get; init; } = "Time";

    /// <summary>Column: event type.</summary>
    public string Event { get; init; } = "Event";

    /// <summary>Column: actor.</summary>
    public string Actor { get; init; } = "Actor";

    /// <summary>Column: IP address.</summary>
    public string IpAddress { get; init; } = "IP address";

    /// <summary>Column: user agent.</summary>
    public string UserAgent { get; init; } = "User agent";

    /// <summary>Heading of the list of user agents under the audit table.</summary>
    public string UserAgents { get; init; } = "User agents";

    /// <summary>Column: event hash.</summary>
    public string Hash { get; init; } = "Hash";

    /// <summary>Caption: the chain's last hash.</summary>
    public string ChainHead { get; init; } = "Last hash of the event chain";

    /// <summary>Closing note about the digital signature.</summary>
    public string SignatureNote { get; init; } =
        "This document is digitally signed by the clinic. Any change to it invalidates the signature.";

    /// <summary>Footer page numbering, with {0} the page and {1} the page count.</summary>
    public string PageXOfY { get; init; } = "Page {0} of {1}";

    /// <summary>Shown where a value was not recorded.</summary>
    public string NotRecorded { get; init; } = "Not recorded";

    /// <summary>Yes.</summary>
    public string Yes { get; init; } = "Yes";

    /// <summary>No.</summary>
    public string No { get; init; } = "No";
}
