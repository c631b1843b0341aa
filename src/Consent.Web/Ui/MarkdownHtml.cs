using Markdig;
using Microsoft.AspNetCore.Html;

namespace Consent.Web.Ui;

/// <summary>Renders workflow texts (Markdown from templates/) as HTML for the pages; raw HTML in the source is escaped.</summary>
public static class MarkdownHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().DisableHtml().Build();

    public static IHtmlContent Render(string? markdown) =>
        new HtmlString(string.IsNullOrWhiteSpace(markdown) ? "" : Markdown.ToHtml(markdown, Pipeline));

    /// <summary>The text without Markdown marks, for short places such as a list of titles.</summary>
    public static string Plain(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Markdown.ToPlainText(markdown, Pipeline).Trim();
}
