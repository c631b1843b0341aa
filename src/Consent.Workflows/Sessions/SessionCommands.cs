using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Something a patient, clinician or the system asks to do in a session.</summary>
public abstract record SessionCommand;

/// <summary>
/// A clinician starts a session. <paramref name="PatientDigest"/> identifies the patient without
/// personal data; <paramref name="LinkTokenHash"/> is the hash of the patient link's secret, sealed
/// into the chain so that a link changed in the database alone is refused.
/// </summary>
public sealed record CreateSession(
    string Language, DateTimeOffset ExpiresAt, string PatientDigest, string CreatedBy, string? LinkTokenHash = null, Supersedes? Supersedes = null,
    ReliesOn? ReliesOn = null, Signers? Signers = null) : SessionCommand;

/// <summary>The patient entered a date of birth; the host compared it and says whether it matched.</summary>
public sealed record VerifyIdentity(bool Matches) : SessionCommand;

/// <summary>The patient answers a <c>questions</c> step (yes-no as JSON booleans, others as strings).</summary>
public sealed record SubmitAnswers(string StepId, IReadOnlyDictionary<string, JsonNode?> Answers) : SessionCommand;

/// <summary>The patient acknowledges a disclosure whose text had <paramref name="ContentHash"/>.</summary>
public sealed record AcknowledgeDisclosure(string StepId, string ContentHash, string? Initials) : SessionCommand;

/// <summary>The patient answers a comprehension quiz: question id to option value.</summary>
public sealed record SubmitQuiz(string StepId, IReadOnlyDictionary<string, string?> Answers) : SessionCommand;

/// <summary>The patient sends a question to the clinician, from any step while in progress.</summary>
public sealed record AskQuestion(string? StepId, string Text) : SessionCommand;

/// <summary>The patient has no (more) questions at an <c>ask</c> step.</summary>
public sealed record FinishAsking(string StepId) : SessionCommand;

/// <summary>
/// The patient confirms the answers that lead to a <c>stop</c> step: only then does the stop end the
/// session. Until then the stop step is the current step and shows what the patient answered.
/// </summary>
public sealed record ConfirmStop(string StepId) : SessionCommand;

/// <summary>
/// The patient goes back from a <c>stop</c> step to change the answers that led to it: the questions
/// steps holding those answers become current again, with the answers still filled in.
/// </summary>
public sealed record ChangeAnswers(string StepId) : SessionCommand;

/// <summary>The patient signs. <paramref name="RegisteredName"/> is the name the clinic entered, for comparison only.</summary>
/// <remarks>
/// Every signer of the ceremony (<see cref="Signers"/>) signs with this command on the signature step, one after the other:
/// <paramref name="Signer"/>, when given, must be the one whose turn it is; <paramref name="Mark"/> is a patient's mark before
/// a witness. <paramref name="RegisteredName"/> is the patient's registered name; the others' names come from the signers.
/// </remarks>
public sealed record SignAsPatient(
    string StepId,
    string FullName,
    bool Certify,
    IReadOnlyList<IReadOnlyList<(double X, double Y)>> Strokes,
    string RegisteredName,
    SignerKind? Signer = null,
    bool Mark = false) : SessionCommand;

/// <summary>The patient declines to consent.</summary>
public sealed record Decline(string? Reason) : SessionCommand;

/// <summary>A clinician records that they contacted a referred patient, as the patient was told they would.</summary>
public sealed record FollowUpReferral(string Note, string StaffId) : SessionCommand;

/// <summary>A clinician answers a patient's question.</summary>
public sealed record AnswerQuestion(string QuestionId, string Answer, string StaffId) : SessionCommand;

/// <summary>A clinician records a discussion with the patient; this resolves every open hold.</summary>
public sealed record RecordDiscussion(string Note, string StaffId) : SessionCommand;

/// <summary>
/// A clinician countersigns (the host has already checked the password). When the patient signed with
/// a name that is not the registered one, <paramref name="NameConfirmed"/> says the clinician confirmed
/// that the registered patient signed; without it the countersignature is refused.
/// </summary>
public sealed record Countersign(string StaffId, bool StatementAccepted, bool NameConfirmed = false) : SessionCommand;

/// <summary>
/// The clinician records the workflow's paper form the patient signed in their presence on <paramref name="SignedOn"/>: the scan
/// (already checked and stored by its SHA-256) and their attestation, signed. <paramref name="Today"/> is the clinic's date now.
/// </summary>
public sealed record RecordPaperConsent(
    string StaffId, string ScanSha256, string ContentType, long Bytes, int Pages, DateOnly SignedOn, DateOnly Today, bool StatementAccepted) : SessionCommand;

/// <summary>Staff void a session that has not completed (named so it does not clash with <see cref="System.Void"/>).</summary>
public sealed record VoidSession(string Reason, string StaffId) : SessionCommand;

/// <summary>The patient withdraws a completed consent (<paramref name="RecordedBy"/>: <c>patient</c> or a staff id).</summary>
public sealed record Withdraw(string Reason, string RecordedBy) : SessionCommand;

/// <summary>The system expires a session whose link has run out.</summary>
public sealed record Expire : SessionCommand;

/// <summary>A clinician gives the patient link a new expiry and unlocks it.</summary>
/// <param name="Device">Where the new link is used: null for the patient's own device, <see cref="Devices.ClinicTablet"/> for a link opened at once on a clinic tablet.</param>
public sealed record ReissueLink(DateTimeOffset NewExpiresAt, string StaffId, string? LinkTokenHash = null, string? Device = null) : SessionCommand;

/// <summary>The system issued a record (PDF) with this SHA-256.</summary>
public sealed record IssueRecord(string Sha256, string Kind) : SessionCommand;

/// <summary>
/// A nurse or clinician enters a check-in's <c>staff-check</c> step: field id to a JSON number (within the
/// field's plausible range) or true/false. Allowed whenever the check-in is open, before or after the patient's steps.
/// </summary>
public sealed record RecordStaffCheck(string StepId, IReadOnlyDictionary<string, JsonNode?> Values, string StaffId) : SessionCommand;

/// <summary>The patient answers a check-in's affirmation: they still agree to the treatment today, or not.</summary>
public sealed record Affirm(string StepId, bool Agrees) : SessionCommand;

/// <summary>A clinician decides a held check-in: cleared after a discussion, or not today; with a note.</summary>
public sealed record DecideCheckin(CheckinDecision Decision, string Note, string StaffId) : SessionCommand;

/// <summary>A clinician's decision on a held check-in.</summary>
public enum CheckinDecision
{
    /// <summary>Cleared after a discussion: the dose may go ahead (status Cleared).</summary>
    Cleared,

    /// <summary>No dose today (status NotToday).</summary>
    NotToday,
}
