using Consent.Workflows;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Html;

namespace Consent.Web.Ui;

/// <summary>
/// Renders workflow texts (Markdown from templates/) as HTML for the pages; raw HTML in the source is
/// escaped, and a link whose target is not https: or mailto: (<see cref="TemplateLinks"/>) is shown as
/// plain text, should one ever get past the loader's check.
/// </summary>
public static class MarkdownHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static IHtmlContent Render(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
        {
            return HtmlString.Empty;
        }

        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>().Where(l => !TemplateLinks.IsAllowed(l.Url)).ToList())
        {
            // Keep the words (or an image's description), drop the link.
            foreach (var child in link.ToList())
            {
                child.Remove();
                link.InsertBefore(child);
            }

            link.Remove();
        }

        foreach (var auto in document.Descendants<AutolinkInline>().Where(a => !TemplateLinks.IsAllowed(a.IsEmail ? "mailto:" + a.Url : a.Url)).ToList())
        {
            auto.ReplaceBy(new LiteralInline(auto.Url));
        }

        return new HtmlString(Markdown.ToHtml(document, Pipeline));
    }

    /// <summary>The text without Markdown marks, for short places such as a list of titles.</summary>
    public static string Plain(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Markdown.ToPlainText(markdown, Pipeline).Trim();
}
