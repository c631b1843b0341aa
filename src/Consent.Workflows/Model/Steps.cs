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
/// <param name="ContentName">The template name under <c>templates/disclosures/</c>.</param>
/// <param name="Body">The template without its leading <c># </c> heading (the heading is the <see cref="StepDefinition.Title"/>).</param>
public sealed record DisclosureStep(
    string Id,
    Condition? When,
    LocalizedText Title,
    string ContentName,
    LocalizedText Content,
    LocalizedText Body,
    AcknowledgeMethod Acknowledge) : StepDefinition(Id, When, Title)
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
