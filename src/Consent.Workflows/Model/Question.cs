using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>The kinds of screening question.</summary>
public enum QuestionKind
{
    YesNo,
    SingleChoice,
    ShortText,
}

/// <summary>A screening question; its id is the variable its answer becomes in conditions.</summary>
public sealed record Question(string Id, QuestionKind Kind, LocalizedText Text, ImmutableArray<ChoiceOption> Options, bool Required)
{
    /// <summary>Longest short-text answer accepted.</summary>
    public const int MaxShortTextLength = 500;

    /// <summary>The YAML name of a question kind.</summary>
    public static string KindName(QuestionKind kind) => kind switch
    {
        QuestionKind.YesNo => "yes-no",
        QuestionKind.SingleChoice => "single-choice",
        QuestionKind.ShortText => "short-text",
    };
}

/// <summary>One option of a choice: the stored value and its label per language.</summary>
public sealed record ChoiceOption(string Value, LocalizedText Label);

/// <summary>A comprehension (teach-back) question. <see cref="Answer"/> is never shown to the patient.</summary>
/// <param name="Review">Id of the earlier disclosure step that explains the answer, or null.</param>
public sealed record QuizQuestion(string Id, LocalizedText Text, ImmutableArray<ChoiceOption> Options, string Answer, string? Review);
