using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Consent.Workflows;

/// <summary>Sentence, word and syllable counts of a Markdown text.</summary>
internal sealed partial record TextStatistics(int Sentences, int Words, int Syllables)
{
    public double WordsPerSentence => Sentences == 0 ? 0 : (double)Words / Sentences;

    public double SyllablesPerWord => Words == 0 ? 0 : (double)Syllables / Words;

    public static TextStatistics Of(string markdown, Func<string, int> syllablesOf)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        int sentences = 0, words = 0, syllables = 0;
        foreach (var block in PlainBlocks(markdown))
        {
            var blockWords = Word().Matches(block).Select(m => m.Value).ToList();
            if (blockWords.Count == 0)
            {
                continue;
            }
            words += blockWords.Count;
            syllables += blockWords.Sum(syllablesOf);
            // Each block is at least one sentence, even without a full stop (headings, list items).
            var trimmed = block.TrimEnd();
            sentences += SentenceEnd().Count(trimmed) + (FinalSentenceEnd().IsMatch(trimmed) ? 0 : 1);
        }
        return new TextStatistics(sentences, words, syllables);
    }

    /// <summary>The text of each heading, paragraph and list item, without Markdown syntax.</summary>
    private static IEnumerable<string> PlainBlocks(string markdown)
    {
        var document = Markdown.Parse(markdown);
        foreach (var leaf in document.Descendants<LeafBlock>())
        {
            if (leaf.Inline is null)
            {
                continue;
            }
            var text = new StringBuilder();
            foreach (var inline in leaf.Inline.Descendants())
            {
                switch (inline)
                {
                    case LiteralInline literal:
                        text.Append(literal.Content.ToString());
                        break;
                    case CodeInline code:
                        text.Append(code.Content);
                        break;
                    case LineBreakInline:
                        text.Append(' ');
                        break;
                    default:
                        break;
                }
            }
            yield return text.ToString();
        }
    }

    [GeneratedRegex(@"[\p{L}\p{M}\p{Nd}]+(?:['’-][\p{L}\p{M}\p{Nd}]+)*")]
    private static partial Regex Word();

    // A run of terminal punctuation followed by a space or the end ends a sentence ("e.g." mid-sentence is rare in consent texts).
    [GeneratedRegex(@"[.!?…]+[""'”’)]*(?=\s|$)")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"[.!?…]+[""'”’)]*$")]
    private static partial Regex FinalSentenceEnd();
}
