namespace Consent.Records;

/// <summary>
/// Every fixed heading and caption of a record, in one language. English and Spanish ship; a record
/// in another language is labelled in English. Every label is required, so a table that leaves
/// one out does not compile (none is taken from English unseen).
/// </summary>
public sealed record RecordLabels
{
    /// <summary>English labels.</summary>
    public static RecordLabels English { get; } = RecordLabelsEnglish.Create();

    /// <summary>Spanish labels.</summary>
    public static RecordLabels Spanish { get; } = RecordLabelsSpanish.Create();

    /// <summary>Labels for a BCP 47 language tag ("es", "es-MX" -> Spanish); English when the language is not shipped.</summary>
    public static RecordLabels For(string? language)
    {
        var primary = (language ?? "").Split('-', '_')[0];
        return string.Equals(primary, "es", StringComparison.OrdinalIgnoreCase) ? Spanish : English;
    }

    /// <summary>The language of these labels.</summary>
    public required string Language { get; init; }

    /// <summary>Document title.</summary>
    public required string DocumentTitle { get; init; }

    /// <summary>Subtitle per record kind.</summary>
    public required string KindConsent { get; init; }

    /// <summary>Subtitle for a withdrawal record.</summary>
    public required string KindWithdrawal { get; init; }

    /// <summary>Subtitle for a declined-session summary.</summary>
    public required string KindDeclined { get; init; }

    /// <summary>Subtitle for a referred-session summary.</summary>
    public required string KindReferred { get; init; }

    /// <summary>Status shown for a consent record.</summary>
    public required string StatusConsent { get; init; }

    /// <summary>Status shown for a withdrawal record.</summary>
    public required string StatusWithdrawal { get; init; }

    /// <summary>Status shown for a declined summary.</summary>
    public required string StatusDeclined { get; init; }

    /// <summary>Status shown for a referred summary.</summary>
    public required string StatusReferred { get; init; }

    /// <summary>Summary section heading.</summary>
    public required string Summary { get; init; }

    /// <summary>Caption: patient name.</summary>
    public required string Patient { get; init; }

    /// <summary>Caption: date of birth.</summary>
    public required string DateOfBirth { get; init; }

    /// <summary>Caption: medical record number.</summary>
    public required string MedicalRecordNumber { get; init; }

    /// <summary>Caption: session id.</summary>
    public required string Session { get; init; }

    /// <summary>Caption: workflow title.</summary>
    public required string Workflow { get; init; }

    /// <summary>Caption: workflow id and version.</summary>
    public required string WorkflowVersion { get; init; }

    /// <summary>Caption: session language.</summary>
    public required string SessionLanguage { get; init; }

    /// <summary>Caption: the clinic's language, on a record that carries the clinic's wording beside the patient's.</summary>
    public required string ClinicLanguage { get; init; }

    /// <summary>
    /// Caption of a disclosure's wording in the clinic's language, with {0} the clinic's language and
    /// {1} the session's (names from <see cref="LanguageWord"/>): it is for reference, not what the patient read.
    /// </summary>
    public required string ClinicWordingOfDisclosure { get; init; }

    /// <summary>Note under a screening or quiz table whose grey lines are the clinic's wording, with {0} and {1} as above.</summary>
    public required string ClinicWordingInTable { get; init; }

    /// <summary>The name of a language in these labels' language, as used in a sentence ("Spanish", "español"); the code itself for a language without one.</summary>
    public string LanguageWord(string language) => (language.Split('-', '_')[0].ToLowerInvariant(), Language) switch
    {
        ("en", "es") => "inglés",
        ("es", "es") => "español",
        ("en", _) => "English",
        ("es", _) => "Spanish",
        _ => language,
    };

    /// <summary>Caption: the signed ethics approvals of the workflow version.</summary>
    public required string EthicsApproval { get; init; }

    /// <summary>One signed approval: {0} its meaning, {1} the reviewer's printed name, {2} the time with its offset.</summary>
    public required string SignedByAt { get; init; }

    /// <summary>Caption: workflow hash.</summary>
    public required string WorkflowHash { get; init; }

    /// <summary>Caption: status.</summary>
    public required string Status { get; init; }

    /// <summary>Caption: session start.</summary>
    public required string Started { get; init; }

    /// <summary>Caption: session end.</summary>
    public required string Ended { get; init; }

    /// <summary>Caption: record issue time.</summary>
    public required string Issued { get; init; }

    /// <summary>Caption: version word in "version 3".</summary>
    public required string Version { get; init; }

    /// <summary>Identity section heading.</summary>
    public required string IdentityCheck { get; init; }

    /// <summary>Caption: identity verified at.</summary>
    public required string VerifiedAt { get; init; }

    /// <summary>Caption: method.</summary>
    public required string Method { get; init; }

    /// <summary>Caption: failed attempts.</summary>
    public required string FailedAttempts { get; init; }

    /// <summary>Screening section heading.</summary>
    public required string Screening { get; init; }

    /// <summary>Column: question.</summary>
    public required string Question { get; init; }

    /// <summary>Column: answer.</summary>
    public required string Answer { get; init; }

    /// <summary>Column: answered at.</summary>
    public required string AnsweredAt { get; init; }

    /// <summary>Disclosures section heading.</summary>
    public required string Disclosures { get; init; }

    /// <summary>Acknowledgment line prefix.</summary>
    public required string Acknowledged { get; init; }

    /// <summary>Acknowledgment by checkbox.</summary>
    public required string ByCheckbox { get; init; }

    /// <summary>Acknowledgment by initials.</summary>
    public required string ByInitials { get; init; }

    /// <summary>Caption: content hash of a disclosure.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Comprehension section heading.</summary>
    public required string Comprehension { get; init; }

    /// <summary>Caption: attempt number.</summary>
    public required string Attempt { get; init; }

    /// <summary>Column: chosen answer.</summary>
    public required string ChosenAnswer { get; init; }

    /// <summary>Column: result.</summary>
    public required string Result { get; init; }

    /// <summary>Correct answer.</summary>
    public required string Correct { get; init; }

    /// <summary>Incorrect answer.</summary>
    public required string Incorrect { get; init; }

    /// <summary>Quiz passed.</summary>
    public required string Passed { get; init; }

    /// <summary>Quiz not passed.</summary>
    public required string NotPassed { get; init; }

    /// <summary>Quiz resolved by clinician.</summary>
    public required string ResolvedByClinician { get; init; }

    /// <summary>Questions section heading.</summary>
    public required string QuestionsAndAnswers { get; init; }

    /// <summary>Caption: asked at.</summary>
    public required string Asked { get; init; }

    /// <summary>Caption: answered by.</summary>
    public required string AnsweredBy { get; init; }

    /// <summary>Question without answer.</summary>
    public required string NotAnswered { get; init; }

    /// <summary>Discussions section heading.</summary>
    public required string Discussions { get; init; }

    /// <summary>Caption: noted by.</summary>
    public required string NotedBy { get; init; }

    /// <summary>Certification section heading.</summary>
    public required string Certification { get; init; }

    /// <summary>Clinician attestation heading.</summary>
    public required string ClinicianAttestation { get; init; }

    /// <summary>Signatures section heading.</summary>
    public required string Signatures { get; init; }

    /// <summary>Role: patient.</summary>
    public required string RolePatient { get; init; }

    /// <summary>Role: clinician.</summary>
    public required string RoleClinician { get; init; }

    /// <summary>A legally authorized representative's capacity under their signature.</summary>
    public required string RoleRepresentative { get; init; }

    /// <summary>The patient's capacity when a representative consented and the patient assented.</summary>
    public required string RolePatientAssent { get; init; }

    /// <summary>An impartial witness's capacity.</summary>
    public required string RoleWitness { get; init; }

    /// <summary>An interpreter's capacity.</summary>
    public required string RoleInterpreter { get; init; }

    /// <summary>Heading of a paper consent's cover: the patient signed the paper form, scanned on the pages that follow.</summary>
    public required string PaperForm { get; init; }

    /// <summary>The paragraph under it, before the scan's details.</summary>
    public required string PaperFormIntro { get; init; }

    /// <summary>Caption: the date the patient signed the paper form.</summary>
    public required string PaperSignedOn { get; init; }

    /// <summary>Caption: the scan's SHA-256.</summary>
    public required string ScanSha256 { get; init; }

    /// <summary>Caption: the scan's file type, size and page count.</summary>
    public required string ScanFile { get; init; }

    /// <summary>The scan's status line: consent given on paper.</summary>
    public required string StatusConsentOnPaper { get; init; }

    /// <summary>The line under a signature naming the signer's standing: relationship and authority, or language, mode and qualification.</summary>
    public required string SignerDetails { get; init; }

    /// <summary>How a patient who cannot write signed: a mark, before the witness.</summary>
    public required string MarkSignature { get; init; }

    /// <summary>Caption: role.</summary>
    public required string Role { get; init; }

    /// <summary>Caption: signed at.</summary>
    public required string SignedAt { get; init; }

    /// <summary>Caption: meaning of the signature.</summary>
    public required string Meaning { get; init; }

    /// <summary>Caption in the empty signature box of a patient who signed with the typed name only.</summary>
    public required string TypedSignature { get; init; }

    /// <summary>The row naming the registered name under a patient signature typed with another name.</summary>
    public required string RegisteredName { get; init; }

    /// <summary>Caption in the clinician's signature box: the countersignature is the signed-in clinician re-entering the password.</summary>
    public required string ElectronicSignature { get; init; }

    /// <summary>How to withdraw heading.</summary>
    public required string HowToWithdraw { get; init; }

    /// <summary>Outcome heading.</summary>
    public required string Outcome { get; init; }

    /// <summary>Caption: reason.</summary>
    public required string Reason { get; init; }

    /// <summary>Caption: when the outcome happened.</summary>
    public required string OutcomeAt { get; init; }

    /// <summary>Withdrawal heading.</summary>
    public required string WithdrawnRecord { get; init; }

    /// <summary>Caption: original session.</summary>
    public required string OriginalSession { get; init; }

    /// <summary>Caption: original record hash.</summary>
    public required string OriginalRecordHash { get; init; }

    /// <summary>Re-consent heading: the earlier consent this one replaces.</summary>
    public required string SupersedesRecord { get; init; }

    /// <summary>Sentence under it.</summary>
    public required string SupersedesIntro { get; init; }

    /// <summary>Caption: the version signed then.</summary>
    public required string SupersededVersion { get; init; }

    /// <summary>Caption: when it was signed.</summary>
    public required string SupersededSignedAt { get; init; }

    /// <summary>Audit page heading.</summary>
    public required string AuditTrail { get; init; }

    /// <summary>Audit page introduction.</summary>
    public required string AuditIntro { get; init; }

    /// <summary>Column: sequence number.</summary>
    public required string Sequence { get; init; }

    /// <summary>Column: time.</summary>
    public required string Time { get; init; }

    /// <summary>Column: event type.</summary>
    public required string Event { get; init; }

    /// <summary>Column: actor.</summary>
    public required string Actor { get; init; }

    /// <summary>Column: IP address.</summary>
    public required string IpAddress { get; init; }

    /// <summary>Column: user agent.</summary>
    public required string UserAgent { get; init; }

    /// <summary>Heading of the list of user agents under the audit table.</summary>
    public required string UserAgents { get; init; }

    /// <summary>Column: event hash.</summary>
    public required string Hash { get; init; }

    /// <summary>Caption: the chain's last hash.</summary>
    public required string ChainHead { get; init; }

    /// <summary>Closing note about the digital signature.</summary>
    public required string SignatureNote { get; init; }

    /// <summary>Heading beside the verification QR code.</summary>
    public required string CheckThisRecord { get; init; }

    /// <summary>How to check the record beside its QR code, with {0} the public check page's address.</summary>
    public required string CheckThisRecordHow { get; init; }

    /// <summary>Alternative text of a drawn signature for screen readers, with {0} the signer's printed name.</summary>
    public required string AltSignature { get; init; }

    /// <summary>Alternative text of the clinic's logo, with {0} the clinic's name.</summary>
    public required string AltLogo { get; init; }

    /// <summary>Alternative text of the check page's QR code, with {0} the address it links to.</summary>
    public required string AltQrCode { get; init; }

    /// <summary>Alternative text of one page of a paper consent's scan, with {0} the page number within the scan.</summary>
    public required string AltScannedPage { get; init; }

    /// <summary>Footer page numbering, with {0} the page and {1} the page count.</summary>
    public required string PageXOfY { get; init; }

    /// <summary>Shown where a value was not recorded.</summary>
    public required string NotRecorded { get; init; }

    /// <summary>Yes.</summary>
    public required string Yes { get; init; }

    /// <summary>No.</summary>
    public required string No { get; init; }

    /// <summary>Title of a dose-day check-in record.</summary>
    public required string CheckinDocumentTitle { get; init; }

    /// <summary>Subtitle for a check-in record.</summary>
    public required string KindCheckin { get; init; }

    /// <summary>Status of a check-in cleared without a clinician.</summary>
    public required string StatusCleared { get; init; }

    /// <summary>Status of a held check-in a clinician cleared.</summary>
    public required string StatusClearedAfterDiscussion { get; init; }

    /// <summary>Status of a held check-in a clinician decided not today.</summary>
    public required string StatusNotToday { get; init; }

    /// <summary>Caption: the check-in workflow.</summary>
    public required string CheckinWorkflow { get; init; }

    /// <summary>Heading: the consent a check-in relies on.</summary>
    public required string ReliesOnHeading { get; init; }


    /// <summary>Caption: the SHA-256 of the consent record relied on.</summary>
    public required string ConsentRecordHash { get; init; }

    /// <summary>Caption: the consent session relied on.</summary>
    public required string ConsentSession { get; init; }

    /// <summary>Shown when a check-in started before the consent it relies on was sealed in its chain.</summary>
    public required string ReliesOnNotSealed { get; init; }

    /// <summary>Heading: the patient's answers at a check-in.</summary>
    public required string PatientAnswers { get; init; }

    /// <summary>Heading: the affirmation.</summary>
    public required string Affirmation { get; init; }

    /// <summary>The patient's answer to the affirmation: still agrees.</summary>
    public required string StillAgrees { get; init; }

    /// <summary>The patient's answer to the affirmation: no longer agrees (also a hold reason).</summary>
    public required string NoLongerAgrees { get; init; }

    /// <summary>A hold reason: the patient asked a question during the check-in that no clinician had answered.</summary>
    public required string OpenQuestion { get; init; }

    /// <summary>Heading: staff checks.</summary>
    public required string StaffChecks { get; init; }

    /// <summary>Column: the staff check field.</summary>
    public required string Check { get; init; }

    /// <summary>Column: the value entered.</summary>
    public required string Value { get; init; }

    /// <summary>Caption: who entered a staff check.</summary>
    public required string EnteredBy { get; init; }

    /// <summary>Caption: why a check-in was held.</summary>
    public required string HeldBecause { get; init; }

    /// <summary>Caption: when a check-in was held.</summary>
    public required string HeldAt { get; init; }

    /// <summary>Caption before the values a hold reason read.</summary>
    public required string ValuesRead { get; init; }

    /// <summary>Caption: the clinician who decided a held check-in.</summary>
    public required string DecidedBy { get; init; }

    /// <summary>Caption: the clinician's note.</summary>
    public required string Note { get; init; }

    /// <summary>Meaning of the clinician's signature clearing a held check-in.</summary>
    public required string MeaningClearedAfterDiscussion { get; init; }

    /// <summary>Meaning of the clinician's signature deciding not today.</summary>
    public required string MeaningNotToday { get; init; }

    /// <summary>Caption: the kind of device the patient answered on.</summary>
    public required string DeviceKind { get; init; }

    /// <summary>The kind of device "a clinic tablet" (a link a staff member opened on the clinic's tablet; 21 CFR 11.10(h)).</summary>
    public required string DeviceClinicTablet { get; init; }

    /// <summary>The kind of device "the patient's own" (the link sent to them).</summary>
    public required string DeviceOwn { get; init; }

    /// <summary>Heading: the disclosures a check-in showed, by title and SHA-256 (the text is in the workflow version).</summary>
    public required string CheckinDisclosures { get; init; }
}
