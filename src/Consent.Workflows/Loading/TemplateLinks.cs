using System.Net;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Consent.Workflows;

/// <summary>
/// Links in workflow texts may only go to <c>https:</c> or <c>mailto:</c>. A <c>javascript:</c> or
/// <c>data:</c> link on a patient page runs in the patient's session; <c>http:</c> can be rewritten on the
/// way; a relative link has no base on a patient page or in a record and would lead into the service itself.
/// </summary>
public static partial class TemplateLinks
{
    // HTML enabled, unlike the pages' pipeline: raw HTML must be seen here to be checked. Precise
    // source locations give every inline its offset in the text.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    /// <summary>True for an absolute <c>https://host...</c> or <c>mailto:</c> target with no spaces or control characters.</summary>
    public static bool IsAllowed(string? target)
    {
        if (string.IsNullOrEmpty(target) || target.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            || !Uri.TryCreate(target, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return (target.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0)
            || (target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) && uri.Scheme == Uri.UriSchemeMailto);
    }

    /// <summary>Every link, image, autolink, link definition and raw HTML URL attribute whose target is not allowed, with its 1-based line.</summary>
    internal static IEnumerable<(int Line, string Target)> Refused(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var node in document.Descendants())
        {
            // Positions are character offsets in the source (precise source locations); lines are counted from them.
            IEnumerable<(int At, string Target)> found = node switch
            {
                // A reference link is reported once, at its definition.
                LinkInline link when link.Reference is null => [(link.Span.Start, link.Url ?? "")],
                AutolinkInline auto => [(auto.Span.Start, auto.IsEmail ? "mailto:" + auto.Url : auto.Url)],
                LinkReferenceDefinition definition => [(definition.Span.Start, definition.Url ?? "")],
                HtmlInline html => HtmlTargets(html.Tag).Select(t => (html.Span.Start, t)),
                HtmlBlock block => block.Lines.Lines.Take(block.Lines.Count)
                    .SelectMany(line => HtmlTargets(line.ToString()).Select(t => (line.Position, t))),
                _ => [],
            };
            foreach (var (at, target) in found)
            {
                if (!IsAllowed(target))
                {
                    yield return (LineAt(markdown, at), target);
                }
            }
        }
    }

    private static int LineAt(string text, int offset) =>
        text.AsSpan(0, Math.Clamp(offset, 0, text.Length)).Count('\n') + 1;

    /// <summary>The URLs in URL-bearing attributes of raw HTML, with character references decoded as a browser would.</summary>
    private static IEnumerable<string> HtmlTargets(string html) =>
        UrlAttribute().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["value"].Value.Trim('"', '\'')).Trim());

    [GeneratedRegex("""(?:^|[\s"'/])(?:href|src|srcset|action|formaction|xlink:href|poster|data|background|cite|ping|longdesc|manifest)\s*=\s*(?<value>"[^"]*"|'[^']*'|[^\s>]+)""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlAttribute();
}
