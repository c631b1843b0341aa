namespace Consent.Records;

/// <summary>How the patient proved who they are before seeing anything.</summary>
/// <param name="VerifiedAt">When the check succeeded.</param>
/// <param name="Method">What was checked, in the session language (e.g. "date of birth").</param>
/// <param name="FailedAttempts">Wrong attempts before success.</param>
public sealed record IdentityCheck(DateTimeOffset VerifiedAt, string Method, int FailedAttempts);

/// <summary>One screening question and the patient's answer.</summary>
public sealed record ScreeningAnswer(string Question, string Answer, DateTimeOffset At)
{
    /// <summary>The question in the clinic's language (<see cref="ConsentRecord.ClinicLanguage"/>), for the clinic's reference; null when the record carries none.</summary>
    public string? ClinicQuestion { get; init; }

    /// <summary>The answer in the clinic's language; null when the record carries none or the answer is text the patient typed (never translated).</summary>
    public string? ClinicAnswer { get; init; }
}

/// <summary>How a disclosure was acknowledged.</summary>
public enum AcknowledgmentMethod
{
    /// <summary>Ticked a checkbox.</summary>
    Checkbox,

    /// <summary>Typed their initials.</summary>
    Initials,
}

/// <summary>One disclosure exactly as the patient saw it, and their acknowledgment of it.</summary>
/// <param name="Title">The disclosure's title as shown.</param>
/// <param name="Body">The Markdown body exactly as shown.</param>
/// <param name="ContentSha256">SHA-256 (hex) of the text shown.</param>
/// <param name="AcknowledgedAt">When the patient acknowledged it.</param>
/// <param name="Method">Checkbox or initials.</param>
/// <param name="Initials">The initials typed, for <see cref="AcknowledgmentMethod.Initials"/>.</param>
public sealed record DisclosureAcknowledgment(
    string Title,
    string Body,
    string ContentSha256,
    DateTimeOffset AcknowledgedAt,
    AcknowledgmentMethod Method,
    string? Initials = null)
{
    /// <summary>
    /// The title in the clinic's language (<see cref="ConsentRecord.ClinicLanguage"/>), for the clinic's
    /// reference; null when the record carries none. Not what the patient read: <see cref="ContentSha256"/> stays the hash of <see cref="Body"/>.
    /// </summary>
    public string? ClinicTitle { get; init; }

    /// <summary>The Markdown body in the clinic's language, for the clinic's reference; null when the record carries none.</summary>
    public string? ClinicBody { get; init; }
}

/// <summary>The teach-back quiz: every attempt, and how it ended.</summary>
/// <param name="Attempts">Attempts in order.</param>
/// <param name="Passed">True when the last attempt passed.</param>
/// <param name="ResolvedByClinician">True when failing attempts were resolved by a clinician discussion.</param>
public sealed record ComprehensionCheck(IReadOnlyList<ComprehensionAttempt> Attempts, bool Passed, bool ResolvedByClinician = false);

/// <summary>One attempt at the teach-back quiz.</summary>
public sealed record ComprehensionAttempt(int Number, DateTimeOffset At, IReadOnlyList<ComprehensionAnswer> Answers);

/// <summary>One quiz question, the option the patient chose, and whether it was right.</summary>
public sealed record ComprehensionAnswer(string Question, string ChosenLabel, bool Correct)
{
    /// <summary>The question in the clinic's language (<see cref="ConsentRecord.ClinicLanguage"/>), for the clinic's reference; null when the record carries none.</summary>
    public string? ClinicQuestion { get; init; }

    /// <summary>The chosen option's label in the clinic's language; null when the record carries none.</summary>
    public string? ClinicChosenLabel { get; init; }
}

/// <summary>A question the patient asked, with the clinician's answer.</summary>
public sealed record PatientQuestion(
    string Question,
    DateTimeOffset AskedAt,
    string? Answer = null,
    string? AnsweredBy = null,
    DateTimeOffset? AnsweredAt = null);

/// <summary>A discussion a clinician held with the patient, as noted by the clinician.</summary>
public sealed record ClinicianDiscussion(string Note, string By, DateTimeOffset At);
