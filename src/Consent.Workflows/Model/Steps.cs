using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>The patient proves who they are (date of birth); the link locks after <see cref="MaxAttempts"/> wrong tries.</summary>
public sealed record IdentityStep(string Id, Condition? When, int MaxAttempts) : StepDefinition(Id, When, null)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Identity;
}

/// <summary>Screening questions whose answers become condition variables.</summary>
public sealed record QuestionsStep(string Id, Condition? When, LocalizedText? Title, ImmutableArray<Question> Questions)
    : StepDefinition(Id, When, Title)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Questions;
}

/// <summary>One risk or fact the patient reads and acknowledges.</summary>
/// <param name="Content">The whole template file per language (what the content hash covers).</param>
/// <param name="ContentName">The template name under <c>templates/disclosures/</c> (<c>templates/key-information/</c> for key information).</param>
/// <param name="Body">The template without its leading <c># </c> heading (the heading is the <see cref="StepDefinition.Title"/>).</param>
/// <param name="KeyInformation">
/// Written <c>type: key-information</c>: the one-screen summary that comes before every other disclosure (45 CFR
/// 46.116(a)(5)(i): "a concise and focused presentation of the key information … at the beginning of the informed
/// consent"), at grade 6 or below. The patient acknowledges it as any disclosure, and the patient API shows it as a
/// <c>disclosure</c> with <c>kind: key-information</c>, so a client that knows disclosures walks it unchanged.
/// </param>
public sealed record DisclosureStep(
    string Id,
    Condition? When,
    LocalizedText Title,
    string ContentName,
    LocalizedText Content,
    LocalizedText Body,
    AcknowledgeMethod Acknowledge,
    bool KeyInformation = false) : StepDefinition(Id, When, Title)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Disclosure;
}

/// <summary>How a patient acknowledges a disclosure.</summary>
public enum AcknowledgeMethod
{
    Checkbox,
    Initials,
}

/// <summary>A teach-back quiz: the patient passes with <see cref="PassMark"/> right answers within <see cref="MaxAttempts"/> tries.</summary>
public sealed record ComprehensionStep(
    string Id,
    Condition? When,
    LocalizedText? Title,
    int PassMark,
    int MaxAttempts,
    ImmutableArray<QuizQuestion> Questions) : StepDefinition(Id, When, Title)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Comprehension;
}

/// <summary>When reached, opens a hold: a clinician must talk with the patient before the patient can sign.</summary>
public sealed record DiscussionStep(string Id, Condition? When, LocalizedText Reason) : StepDefinition(Id, When, null)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Discussion;
}

/// <summary>The patient may send questions to the clinician; signing waits until each is answered.</summary>
public sealed record AskStep(string Id, Condition? When, LocalizedText? Title, LocalizedText Text) : StepDefinition(Id, When, Title)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Ask;
}

/// <summary>The patient's signature: typed full name, drawn strokes and the certification <see cref="Statement"/>.</summary>
public sealed record SignatureStep(string Id, Condition? When, LocalizedText Statement) : StepDefinition(Id, When, null)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Signature;
}

/// <summary>The clinician's countersignature with the attestation <see cref="Statement"/>; always the last step.</summary>
public sealed record CountersignStep(string Id, Condition? When, LocalizedText Statement) : StepDefinition(Id, When, null)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Countersign;
}

/// <summary>Ends the session with <see cref="Outcome"/> (e.g. <c>referred</c>) and shows <see cref="Message"/>.</summary>
public sealed record StopStep(string Id, Condition? When, string Outcome, LocalizedText Message) : StepDefinition(Id, When, null)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Stop;
}

/// <summary>
/// Check-ins only: values a nurse or clinician enters (<c>staff-check</c>), each a condition variable that
/// a <c>discussion</c> step's <c>when</c> can compare with a threshold (<c>bp_systolic &gt;= 140</c>).
/// Staff may enter it before, during or after the patient's steps.
/// </summary>
public sealed record StaffCheckStep(string Id, Condition? When, LocalizedText? Title, ImmutableArray<StaffCheckField> Fields)
    : StepDefinition(Id, When, Title)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.StaffCheck;
}

/// <summary>
/// Check-ins only: the patient's answer to <see cref="Statement"/> ("I still agree to this treatment today").
/// Yes lets the check-in go on; no ends it <see cref="SessionStatus.Held"/> at once (reason
/// <see cref="CheckinReasons.NoLongerAgrees"/>), and the host offers the patient withdrawal.
/// </summary>
public sealed record AffirmationStep(string Id, Condition? When, LocalizedText Statement) : StepDefinition(Id, When, null)
{
    /// <inheritdoc/>
    public override StepType Type => StepType.Affirmation;
}

/// <summary>The kinds of value a staff check holds.</summary>
public enum StaffFieldKind
{
    /// <summary>A number within a plausible range (<see cref="StaffCheckField.Min"/> to <see cref="StaffCheckField.Max"/>).</summary>
    Number,

    /// <summary>Yes (true) or no (false).</summary>
    YesNo,
}

/// <summary>One value of a staff check; its id is a condition variable, unique among question ids.</summary>
/// <param name="Unit">For numbers: the unit shown and recorded (<c>mmHg</c>), or null.</param>
/// <param name="Min">For numbers: the lowest plausible value; anything lower is refused as a typing error.</param>
/// <param name="Max">For numbers: the highest plausible value.</param>
public sealed record StaffCheckField(string Id, StaffFieldKind Kind, LocalizedText Label, string? Unit, decimal? Min, decimal? Max)
{
    /// <summary>The YAML name of a field kind.</summary>
    public static string KindName(StaffFieldKind kind) => kind switch
    {
        StaffFieldKind.Number => "number",
        StaffFieldKind.YesNo => "yes-no",
    };
}

/// <summary>Reason ids of a held check-in that are not a <c>discussion</c> step's id.</summary>
public static class CheckinReasons
{
    /// <summary>The patient answered no at the affirmation: they no longer agree to the treatment today.</summary>
    public const string NoLongerAgrees = "no-longer-agrees";

    /// <summary>
    /// The patient asked a question during the check-in that no clinician has answered: anything that needs a clinician
    /// is a hold, so a question is never left behind a cleared dose.
    /// </summary>
    public const string OpenQuestion = "open-question";
}
