using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Everything known about a session, rebuilt from its events by <see cref="ConsentInterpreter.Replay"/>.</summary>
/// <remarks>The <see cref="JsonNode"/> answers are owned by the state: copy them before changing them.</remarks>
public sealed record SessionState
{
    private static readonly StringComparer Ordinal = StringComparer.Ordinal;

    /// <summary>The state of a session with no events.</summary>
    public static SessionState Empty { get; } = new();

    /// <summary>False until <see cref="EventTypes.SessionCreated"/> has been applied.</summary>
    public bool Exists { get; init; }

    public SessionStatus Status { get; init; } = SessionStatus.Invited;

    /// <summary>The workflow the session was started on, as <see cref="EventTypes.SessionCreated"/> sealed it; null in a log without it.</summary>
    public string? WorkflowId { get; init; }

    public int WorkflowVersion { get; init; }

    /// <summary>The hash of the workflow version's definition, as <see cref="EventTypes.SessionCreated"/> sealed it.</summary>
    public string? WorkflowHash { get; init; }

    public string Language { get; init; } = "";

    public string PatientDigest { get; init; } = "";

    /// <summary>
    /// The hash of the patient link's secret as the chain last recorded it (<see cref="EventTypes.SessionCreated"/>,
    /// then each <see cref="EventTypes.LinkReissued"/>); null for a session started before links were recorded.
    /// </summary>
    public string? LinkTokenHash { get; init; }

    /// <summary>The kind of device the current link was made for: null for the patient's own, <see cref="Devices.ClinicTablet"/> for a clinic tablet.</summary>
    public string? LinkDevice { get; init; }

    /// <summary>The kinds of device the patient proved who they are on (<see cref="Devices"/>), each once, sorted by name.</summary>
    public ImmutableSortedSet<string> VerifiedOn { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    public string CreatedBy { get; init; } = "";

    /// <summary>For a re-consent: the consent it replaces, as <see cref="EventTypes.SessionCreated"/> sealed it.</summary>
    public Supersedes? Supersedes { get; init; }

    /// <summary>For a check-in: the consent it relies on, as <see cref="EventTypes.SessionCreated"/> sealed it (null in check-ins started before it was sealed).</summary>
    public ReliesOn? ReliesOn { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the patient link stops working (moved by <see cref="EventTypes.LinkReissued"/>).</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    public IdentityCheck Identity { get; init; } = new(false, 0, false, null);

    /// <summary>Screening answers: question id to <c>true</c>/<c>false</c> or a string.</summary>
    public ImmutableSortedDictionary<string, JsonNode> Answers { get; init; } = ImmutableSortedDictionary.Create<string, JsonNode>(Ordinal);

    /// <summary>Acknowledgments by disclosure step id.</summary>
    public ImmutableSortedDictionary<string, Acknowledgment> Acknowledgments { get; init; } = ImmutableSortedDictionary.Create<string, Acknowledgment>(Ordinal);

    /// <summary>Quiz attempts by comprehension step id, oldest first.</summary>
    public ImmutableSortedDictionary<string, ImmutableList<QuizAttempt>> QuizAttempts { get; init; } =
        ImmutableSortedDictionary.Create<string, ImmutableList<QuizAttempt>>(Ordinal);

    public ImmutableList<Hold> Holds { get; init; } = [];

    /// <summary>Questions the patient sent to the clinician (ids q1, q2, ...).</summary>
    public ImmutableList<PatientQuestion> Questions { get; init; } = [];

    /// <summary>The patient's own signature: their consent, or their assent when a representative consents (<see cref="Signers"/>).</summary>
    public PatientSignature? PatientSignature { get; init; }

    /// <summary>Who signs, as sealed when the session started (<see cref="Signers.PatientAlone"/> unless the clinician chose others).</summary>
    public Signers Signers { get; init; } = Signers.PatientAlone;

    /// <summary>Every signature of the ceremony so far, in the order given (<see cref="Signers.Order"/>), the patient's included.</summary>
    public ImmutableList<SignerSignature> Signatures { get; init; } = [];

    /// <summary>Whose turn it is to sign; null once everyone has (or in a check-in, which has no signature step).</summary>
    public SignerKind? NextSigner => Signers.Order.Cast<SignerKind?>().FirstOrDefault(r => !Signatures.Any(s => s.Signer == r));

    /// <summary>The signature by which consent was given: the representative's when there is one, else the patient's.</summary>
    public SignerSignature? ConsentSignature => Signatures.FirstOrDefault(s => s.Signer == (Signers.Representative is null ? SignerKind.Patient : SignerKind.Representative));

    public Countersignature? Countersignature { get; init; }

    /// <summary>The signed paper form the clinician recorded instead of the online steps (<see cref="EventTypes.PaperConsentRecorded"/>); else null.</summary>
    public PaperConsent? Paper { get; init; }

    /// <summary>Ids of steps done, in the order they were done (skipped steps are never listed).</summary>
    public ImmutableList<string> CompletedSteps { get; init; } = [];

    /// <summary>The next step the patient must do, or null when nothing is left for the patient.</summary>
    public StepDefinition? CurrentStep { get; init; }

    public SessionProgress Progress { get; init; } = new(0, 0);

    /// <summary>How the session ended (declined, referred, expired, voided, withdrawn); null otherwise.</summary>
    public SessionEnding? Ending { get; init; }

    public ImmutableList<IssuedRecord> Records { get; init; } = [];

    /// <summary>For a referred session: the clinician's follow-up, once recorded; null until then.</summary>
    public FollowUp? FollowUp { get; init; }

    /// <summary>A check-in's staff checks by step id, as entered.</summary>
    public ImmutableSortedDictionary<string, StaffCheckEntry> StaffChecks { get; init; } = ImmutableSortedDictionary.Create<string, StaffCheckEntry>(Ordinal);

    /// <summary>A check-in's affirmation: true when the patient still agrees today, false when not, null before they answer.</summary>
    public bool? Affirmed { get; init; }

    /// <summary>Why a check-in was held (empty unless it was): a discussion step's id or <see cref="CheckinReasons.NoLongerAgrees"/>, with the values that led there.</summary>
    public ImmutableArray<CheckinHoldReason> HoldReasons { get; init; } = [];

    /// <summary>When a check-in ended for the patient (cleared or held), before any clinician's decision; null before.</summary>
    public DateTimeOffset? CheckinEndedAt { get; init; }

    /// <summary>A clinician's decision on a held check-in, once recorded.</summary>
    public CheckinDecisionEntry? CheckinDecision { get; init; }

    /// <summary>Sequence number of the last event applied.</summary>
    public long LastSeq { get; init; }

    public IEnumerable<Hold> OpenHolds => Holds.Where(h => h.IsOpen);

    public IEnumerable<PatientQuestion> UnansweredQuestions => Questions.Where(q => q.Answer is null);

    public bool IsCompleted(string stepId) => CompletedSteps.Contains(stepId);
}

/// <summary>The identity check: verified or not, failed tries since the last success or reissue, locked.</summary>
public sealed record IdentityCheck(bool Verified, int Failures, bool Locked, DateTimeOffset? VerifiedAt);

/// <summary>A patient's acknowledgment of one disclosure, with the hash of the text shown.</summary>
public sealed record Acknowledgment(string StepId, DateTimeOffset At, AcknowledgeMethod Method, string? Initials, string ContentHash);

/// <summary>One try at a comprehension quiz.</summary>
/// <param name="Review">Disclosure step ids explaining the questions missed.</param>
public sealed record QuizAttempt(int Number, ImmutableSortedDictionary<string, string> Answers, int Correct, bool Passed, ImmutableArray<string> Review, DateTimeOffset At);

/// <summary>Why a hold was opened.</summary>
public enum HoldKind
{
    /// <summary>A <c>discussion</c> step was reached.</summary>
    Discussion,

    /// <summary>A comprehension quiz was failed on every attempt.</summary>
    Comprehension,
}

/// <summary>
/// Something a clinician must discuss with the patient before the patient can sign. Id: the discussion
/// step id, or <c>comprehension:&lt;stepId&gt;</c>.
/// </summary>
public sealed record Hold(string Id, HoldKind Kind, string StepId, LocalizedText? Reason, DateTimeOffset OpenedAt,
    string? ResolvedBy = null, DateTimeOffset? ResolvedAt = null, string? Note = null)
{
    public bool IsOpen => ResolvedAt is null;
}

/// <summary>A question the patient sent, and the clinician's answer once given.</summary>
public sealed record PatientQuestion(string Id, string Text, string? StepId, DateTimeOffset AskedAt,
    string? Answer = null, string? AnsweredBy = null, DateTimeOffset? AnsweredAt = null);

/// <summary>The patient's signature: typed name and drawn strokes (empty when the typed name is the signature).</summary>
/// <remarks><paramref name="NameMatches"/>: false when the typed name is not the registered one; the clinician confirms who signed.</remarks>
public sealed record PatientSignature(string StepId, string FullName, ImmutableArray<ImmutableArray<(double X, double Y)>> Strokes, string? ContentHash, DateTimeOffset At,
    bool NameMatches = true);

/// <summary>The clinician's countersignature.</summary>
/// <remarks><paramref name="NameConfirmed"/>: the clinician confirmed who signed under a name that is not the registered one.</remarks>
public sealed record Countersignature(string StepId, string StaffId, string? ContentHash, DateTimeOffset At, bool NameConfirmed = false);

/// <summary>How far the patient is: <see cref="Index"/> of the <see cref="Total"/> applicable patient steps are done.</summary>
public sealed record SessionProgress(int Index, int Total);

/// <summary>How a session ended.</summary>
/// <param name="Outcome">For a stop step: its outcome (<c>referred</c>).</param>
/// <param name="Message">For a stop step: the message shown.</param>
/// <param name="By">Staff id, <c>patient</c> or <c>system</c>.</param>
public sealed record SessionEnding(SessionStatus Status, string? StepId, string? Outcome, LocalizedText? Message, string? Reason, string By, DateTimeOffset At);

/// <summary>A record (PDF) issued for the session.</summary>
public sealed record IssuedRecord(string Sha256, string Kind, DateTimeOffset At);

/// <summary>A clinician's follow-up of a referral: the note, who, when.</summary>
public sealed record FollowUp(string Note, string StaffId, DateTimeOffset At);

/// <summary>A staff check as entered: the values by field id (numbers or true/false), who entered them and when.</summary>
public sealed record StaffCheckEntry(string StepId, JsonObject Values, string StaffId, DateTimeOffset At);

/// <summary>
/// One reason a check-in was held: <paramref name="Id"/> is the discussion step whose condition held (its
/// <c>reason</c> is the text), or <see cref="CheckinReasons.NoLongerAgrees"/>; <paramref name="Values"/> are the
/// answers and staff values the condition read (variable to value).
/// </summary>
public sealed record CheckinHoldReason(string Id, JsonObject Values);

/// <summary>A clinician's decision on a held check-in.</summary>
public sealed record CheckinDecisionEntry(CheckinDecision Decision, string Note, string StaffId, DateTimeOffset At);

/// <summary>A paper consent as its event recorded it, and when the clinician attested it.</summary>
public sealed record PaperConsent(PaperConsentRecordedPayload Recorded, DateTimeOffset At);
