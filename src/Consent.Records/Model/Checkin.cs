namespace Consent.Records;

/// <summary>
/// What a dose-day check-in record (<see cref="RecordKind.Checkin"/>) shows besides the patient, the workflow, the times
/// and the chain head every record has: the consent it relies on, the patient's answers (in
/// <see cref="ConsentRecord.ScreeningAnswers"/>), the affirmation, the staff checks and the outcome.
/// </summary>
/// <param name="ReliesOn">The signed consent record the check-in relied on when it started; null only for a check-in started before it was sealed.</param>
/// <param name="Affirmation">The patient's affirmation; null when the check-in ended before it.</param>
/// <param name="StaffChecks">Each staff check, with its values and who entered them.</param>
/// <param name="Outcome">How the check-in ended.</param>
public sealed record CheckinDetails(
    ReliedOnConsent? ReliesOn,
    CheckinAffirmation? Affirmation,
    IReadOnlyList<CheckinStaffCheck> StaffChecks,
    CheckinOutcome Outcome)
{
    /// <summary>
    /// The longest clinician's note the one-page layout is made and tested for (the check-in interpreter refuses longer ones:
    /// <c>CheckinLimits.MaxDecisionNoteLength</c> in Consent.Workflows, kept equal by a test).
    /// </summary>
    public const int MaxNoteLength = 300;

    /// <summary>The kind of device the patient answered on, when the session's events record one; null when they do not.</summary>
    public string? DeviceKind { get; init; }
}

/// <summary>The patient's signed consent record a check-in relies on.</summary>
/// <param name="SessionId">The consent session.</param>
/// <param name="RecordSha256">SHA-256 (hex) of its signed consent record.</param>
/// <param name="Version">The consent workflow version signed.</param>
/// <param name="SignedAt">When it was signed (countersigned).</param>
public sealed record ReliedOnConsent(Guid SessionId, string RecordSha256, int Version, DateTimeOffset SignedAt);

/// <summary>The patient's answer to the affirmation statement ("I still agree to this treatment today").</summary>
/// <param name="Statement">The statement as shown, in the record's language.</param>
/// <param name="Agrees">Whether the patient still agrees.</param>
/// <param name="At">When the patient answered.</param>
public sealed record CheckinAffirmation(string Statement, bool Agrees, DateTimeOffset At);

/// <summary>One staff check as entered.</summary>
/// <param name="Title">The step's title, in the record's language.</param>
/// <param name="Values">Each field's label, value (with its unit) as entered.</param>
/// <param name="EnteredBy">The printed name of the staff member who entered it.</param>
/// <param name="At">When it was entered.</param>
public sealed record CheckinStaffCheck(string Title, IReadOnlyList<StaffCheckValue> Values, string EnteredBy, DateTimeOffset At);

/// <summary>One value of a staff check.</summary>
/// <param name="Label">The field's label.</param>
/// <param name="Value">The value as entered (a number, or yes/no in the record's language).</param>
/// <param name="Unit">The field's unit (<c>mmHg</c>), when it has one.</param>
public sealed record StaffCheckValue(string Label, string Value, string? Unit);

/// <summary>How a check-in ended.</summary>
public enum CheckinResult
{
    /// <summary>Nothing to report: cleared without a clinician.</summary>
    Cleared,

    /// <summary>Held, then cleared by a clinician after a discussion.</summary>
    ClearedAfterDiscussion,

    /// <summary>Held, then a clinician decided: no dose today.</summary>
    NotToday,
}

/// <summary>The outcome of a check-in.</summary>
/// <param name="Result">Cleared, cleared after discussion, or not today.</param>
/// <param name="At">When it ended (cleared, or decided).</param>
/// <param name="HeldReasons">Why it was held, in the record's language (empty when it was cleared directly).</param>
/// <param name="HeldAt">When it was held; null when it was not.</param>
/// <param name="Decision">The clinician's signed decision on a held check-in; null when it was cleared directly.</param>
public sealed record CheckinOutcome(CheckinResult Result, DateTimeOffset At, IReadOnlyList<string> HeldReasons, DateTimeOffset? HeldAt, CheckinDecisionSignature? Decision);

/// <summary>
/// A clinician's decision on a held check-in, signed by re-entering their password: the printed name, the time and the
/// meaning of the signature, shown together as 21 CFR 11.50(a) requires of a signed electronic record.
/// </summary>
/// <param name="PrintedName">The clinician's printed name.</param>
/// <param name="SignedAt">When they decided.</param>
/// <param name="Meaning">What the signature means ("cleared after discussion", "not today"), in the record's language.</param>
/// <param name="Note">The clinician's note, as typed.</param>
public sealed record CheckinDecisionSignature(string PrintedName, DateTimeOffset SignedAt, string Meaning, string Note);
