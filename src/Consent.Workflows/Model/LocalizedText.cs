using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>A text in every language a workflow declares, and the template it was read from, if any.</summary>
/// <param name="Texts">Language code to the exact text (for templates: the file's content).</param>
/// <param name="Template">The reference as written in the definition (<c>templates/questions/pregnant</c>), or null for inline text.</param>
public sealed record LocalizedText(ImmutableSortedDictionary<string, string> Texts, string? Template = null)
{
    /// <summary>The text in <paramref name="language"/>, or in the first language the text has when it lacks that one.</summary>
    public string For(string language) =>
        Texts.TryGetValue(language, out var text) ? text : Texts.Values.FirstOrDefault() ?? "";

    /// <summary>Builds an inline text from language/text pairs (handy for tests and code-made texts).</summary>
    public static LocalizedText Inline(params (string Language, string Text)[] texts) =>
        new(texts.ToImmutableSortedDictionary(t => t.Language, t => t.Text, StringComparer.Ordinal));
}
