using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>An event as stored in a session's log.</summary>
/// <param name="Seq">Position in the session's log, from 1.</param>
/// <param name="ContentHash">SHA-256 of the exact text the patient or clinician was shown, when the event concerns one.</param>
/// <param name="Actor">Staff user id or <c>patient</c> (or <c>system</c>), as the host recorded it.</param>
/// <param name="At">When the event was accepted: the <c>now</c> given to <see cref="ConsentInterpreter.Decide"/>.</param>
public sealed record RecordedEvent(long Seq, string Type, string? StepId, JsonObject Payload, string? ContentHash, string Actor, DateTimeOffset At);

/// <summary>An event the interpreter decided to append; the host adds sequence, actor and time when storing it.</summary>
public sealed record NewEvent(string Type, string? StepId, JsonObject Payload, string? ContentHash);

/// <summary>The event type names written to the log (PascalCase).</summary>
public static class EventTypes
{
    /// <summary>Payload: workflowId, workflowVersion, workflowHash, language, expiresAt, patientDigest, createdBy; signers when anyone but the patient alone signs.</summary>
    public const string SessionCreated = nameof(SessionCreated);

    /// <summary>Payload: method (<c>date-of-birth</c>).</summary>
    public const string IdentityVerified = nameof(IdentityVerified);

    /// <summary>Payload: failures, attemptsLeft.</summary>
    public const string IdentityCheckFailed = nameof(IdentityCheckFailed);

    /// <summary>Payload: failures.</summary>
    public const string LinkLocked = nameof(LinkLocked);

    /// <summary>Payload: expiresAt, staffId.</summary>
    public const string LinkReissued = nameof(LinkReissued);

    /// <summary>Payload: answers {questionId: value}.</summary>
    public const string AnswersRecorded = nameof(AnswersRecorded);

    /// <summary>Payload: method (checkbox|initials), initials?.</summary>
    public const string DisclosureAcknowledged = nameof(DisclosureAcknowledged);

    /// <summary>Payload: attempt, answers, correct, total, passed, attemptsLeft, review [step ids].</summary>
    public const string ComprehensionAttempted = nameof(ComprehensionAttempted);

    /// <summary>Payload: holdId, kind (discussion|comprehension).</summary>
    public const string HoldOpened = nameof(HoldOpened);

    /// <summary>Payload: note, staffId, resolvedHolds [hold ids].</summary>
    public const string DiscussionRecorded = nameof(DiscussionRecorded);

    /// <summary>Payload: questionId, text.</summary>
    public const string QuestionAsked = nameof(QuestionAsked);

    /// <summary>Payload: questionId, answer, staffId.</summary>
    public const string QuestionAnswered = nameof(QuestionAnswered);

    /// <summary>Payload: empty.</summary>
    public const string AskCompleted = nameof(AskCompleted);

    /// <summary>Payload: outcome, confirmed? (true when the patient confirmed the answers that led to it).</summary>
    public const string StopReached = nameof(StopReached);

    /// <summary>
    /// Payload: stop (the stop step the patient went back from). The event's step is a questions step
    /// the patient reopened to change an answer that would have ended the session.
    /// </summary>
    public const string AnswersReopened = nameof(AnswersReopened);

    /// <summary>Payload: fullName, method (drawn|typed), certified, strokes [[[x, y], ...], ...].</summary>
    public const string PatientSigned = nameof(PatientSigned);

    /// <summary>
    /// Payload: signer (representative|witness|interpreter), fullName, method (drawn|typed), certified, strokes. Someone
    /// other than the patient signed, in the capacity the session's <c>signers</c> (sealed in SessionCreated) gave them.
    /// </summary>
    public const string SignerSigned = nameof(SignerSigned);

    /// <summary>Payload: staffId, statementAccepted.</summary>
    public const string ClinicianCountersigned = nameof(ClinicianCountersigned);

    /// <summary>
    /// Payload: staffId, scanSha256, contentType, bytes, pages, signedOn, attestation. The patient signed the workflow's
    /// paper form in front of the clinician, who uploaded the scan (stored by its SHA-256) and attested it by signature
    /// (eIC Q&amp;A 1: a paper option). It ends the session Completed, as a countersignature does.
    /// </summary>
    public const string PaperConsentRecorded = nameof(PaperConsentRecorded);

    /// <summary>Payload: sha256, kind.</summary>
    public const string RecordIssued = nameof(RecordIssued);

    /// <summary>Payload: reason?.</summary>
    public const string Declined = nameof(Declined);

    /// <summary>Payload: expiresAt.</summary>
    public const string Expired = nameof(Expired);

    /// <summary>Payload: reason, staffId.</summary>
    public const string Voided = nameof(Voided);

    /// <summary>Payload: reason, recordedBy.</summary>
    public const string Withdrawn = nameof(Withdrawn);

    /// <summary>Payload: note, staffId. A clinician contacted the patient a stop step referred.</summary>
    public const string ReferralFollowedUp = nameof(ReferralFollowedUp);

    /// <summary>Payload: values {fieldId: number or true/false}, staffId. A nurse or clinician entered a check-in's <c>staff-check</c> step.</summary>
    public const string StaffCheckRecorded = nameof(StaffCheckRecorded);

    /// <summary>Payload: agrees (true/false). The patient's answer at a check-in's <c>affirmation</c> step.</summary>
    public const string AffirmationRecorded = nameof(AffirmationRecorded);

    /// <summary>Payload: empty. A check-in ended with nothing to report (status Cleared).</summary>
    public const string CheckinCleared = nameof(CheckinCleared);

    /// <summary>Payload: reasons [{id, values {variable: value}}]. A check-in ended needing a clinician (status Held).</summary>
    public const string CheckinHeld = nameof(CheckinHeld);

    /// <summary>Payload: decision ("cleared"), note, staffId. A clinician cleared a held check-in after a discussion (status Cleared).</summary>
    public const string CheckinReleased = nameof(CheckinReleased);

    /// <summary>Payload: decision ("not-today"), note, staffId. A clinician decided a held check-in: no dose today (status NotToday).</summary>
    public const string CheckinNotToday = nameof(CheckinNotToday);
}
