using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Md = Markdig.Syntax;

namespace Consent.Records.Layout;

/// <summary>
/// Converts the Markdown of a disclosure (headings, paragraphs, lists, bold, italic) into blocks.
/// Anything fancier is shown as its plain text, never dropped.
/// </summary>
static class MarkdownBlocks
{
    static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().Build();

    public static IReadOnlyList<Block> Convert(string markdown, TextStyle body)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        var blocks = Blocks(document, body).ToList();
        // A paragraph that introduces a list ("To withdraw, do one of these:") stays with it.
        for (var i = 0; i + 1 < blocks.Count; i++)
        {
            if (blocks[i] is ParagraphBlock && blocks[i + 1] is ListBlock)
            {
                blocks[i] = blocks[i] with { KeepWithNext = true };
            }
        }

        return blocks;
    }

    static IEnumerable<Block> Blocks(ContainerBlock container, TextStyle body)
    {
        foreach (var block in container)
        {
            switch (block)
            {
                case Md.HeadingBlock heading:
                    yield return new ParagraphBlock(Inlines(heading.Inline, body with { Bold = true, Size = body.Size + (heading.Level <= 2 ? 1 : 0) }))
                    {
                        SpaceBefore = 3,
                        SpaceAfter = 2,
                        KeepWithNext = true,
                    };
                    break;
                case Md.ParagraphBlock paragraph:
                    yield return new ParagraphBlock(Inlines(paragraph.Inline, body)) { SpaceAfter = 4 };
                    break;
                case Md.ListBlock list:
                    var start = int.TryParse(list.OrderedStart, out var s) ? s : 1;
                    // Tight lists (no blank lines between items) keep their items close together.
                    var items = list.OfType<ListItemBlock>()
                        .Select(item => (IReadOnlyList<Block>)[.. Blocks(item, body).Select(b => list.IsLoose ? b : b with { SpaceAfter = 0 })])
                        .ToList();
                    yield return new ListBlock(items, list.IsOrdered, start) { SpaceAfter = 4 };
                    break;
                case QuoteBlock quote:
                    foreach (var inner in Blocks(quote, body with { Italic = true }))
                    {
                        yield return inner is ParagraphBlock p ? p with { Indent = p.Indent + 12 } : inner;
                    }

                    break;
                case ThematicBreakBlock:
                    yield return new RuleBlock(Theme.Rule) { SpaceBefore = 2, SpaceAfter = 4 };
                    break;
                case LeafBlock leaf:
                    // Code blocks, HTML blocks and the like: keep their text, line for line.
                    var text = string.Join("\n", leaf.Lines.Lines.Take(leaf.Lines.Count).Select(l => l.ToString()));
                    yield return new ParagraphBlock([new Run(text, body)]) { SpaceAfter = 4 };
                    break;
                case ContainerBlock inner:
                    foreach (var child in Blocks(inner, body))
                    {
                        yield return child;
                    }

                    break;
            }
        }
    }

    static List<Run> Inlines(ContainerInline? container, TextStyle style)
    {
        var runs = new List<Run>();
        if (container is not null)
        {
            Append(container, style, runs);
        }

        return runs;
    }

    static void Append(ContainerInline container, TextStyle style, List<Run> runs)
    {
        foreach (var inline in container)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    runs.Add(new Run(literal.Content.ToString(), style));
                    break;
                case EmphasisInline emphasis:
                    var emphasised = emphasis.DelimiterCount >= 2 ? style with { Bold = true } : style with { Italic = true };
                    Append(emphasis, emphasised, runs);
                    break;
                case LineBreakInline lineBreak:
                    runs.Add(new Run(lineBreak.IsHard ? "\n" : " ", style));
                    break;
                case CodeInline code:
                    runs.Add(new Run(code.Content, style));
                    break;
                case AutolinkInline link:
                    runs.Add(new Run(link.Url, style));
                    break;
                case LinkInline link:
                    Append(link, style, runs);
                    break;
                case HtmlEntityInline entity:
                    runs.Add(new Run(entity.Transcoded.ToString(), style));
                    break;
                case HtmlInline html:
                    runs.Add(new Run(html.Tag, style));
                    break;
                case ContainerInline inner:
                    Append(inner, style, runs);
                    break;
                default:
                    runs.Add(new Run(inline.ToString() ?? "", style));
                    break;
            }
        }
    }

    /// <summary>The text a reader sees, paragraph by paragraph, for checking extracted text.</summary>
    public static IEnumerable<string> VisibleParagraphs(string markdown)
    {
        foreach (var block in Convert(markdown, Theme.Body))
        {
            foreach (var text in Texts(block))
            {
                yield return text;
            }
        }
    }

    static IEnumerable<string> Texts(Block block)
    {
        switch (block)
        {
            case ParagraphBlock p:
                var sb = new StringBuilder();
                foreach (var run in p.Runs)
                {
                    sb.Append(run.Text);
                }

                yield return sb.ToString();
                break;
            case ListBlock l:
                foreach (var item in l.Items)
                {
                    foreach (var child in item)
                    {
                        foreach (var text in Texts(child))
                        {
                            yield return text;
                        }
                    }
                }

                break;
        }
    }
}
