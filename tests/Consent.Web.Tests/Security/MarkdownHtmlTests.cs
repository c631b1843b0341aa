using Consent.Web.Ui;

namespace Consent.Web.Tests.Security;

/// <summary>Even a template that slipped past the loader's link check never puts a dangerous link on a page.</summary>
public sealed class MarkdownHtmlTests
{
    [Theory]
    [InlineData("[Read more](javascript:alert(document.cookie))", "Read more")]
    [InlineData("[Read more](jav&#x61;script:alert(1))", "Read more")]
    [InlineData("<javascript:alert(1)>", "javascript:alert(1)")]
    [InlineData("![chart](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", "chart")]
    [InlineData("[Read more](/admin/users)", "Read more")]
    [InlineData("[Read more](http://example.org)", "Read more")]
    public void ALinkThatIsNotHttpsOrMailto_IsShownAsItsText(string markdown, string text)
    {
        var html = MarkdownHtml.Render(markdown).ToString()!;

        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img ", html, StringComparison.Ordinal);
        Assert.Contains(text, html, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyHttpsAndMailtoLinks_StayLinks()
    {
        var html = MarkdownHtml.Render("[Leaflet](https://clinic.example/leaflet), <clinic@clinic.example> and [this](javascript:alert(1))").ToString()!;

        Assert.Contains("<a href=\"https://clinic.example/leaflet\">Leaflet</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"mailto:clinic@clinic.example\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
    }
}
