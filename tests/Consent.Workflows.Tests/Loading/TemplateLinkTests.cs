namespace Consent.Workflows.Tests.Loading;

/// <summary>Links in workflow texts go only to https: or mailto:; anything else is named by file and line.</summary>
public sealed class TemplateLinkTests
{
    private const string Driving = "templates/disclosures/en/driving.md";

    public static TheoryData<string> RefusedLinks() =>
    [
        "[Read more](javascript:alert(document.cookie))",
        "[Read more](JavaScript:alert(1))",
        "[Read more](jav&#x61;script:alert(1))",
        "<javascript:alert(1)>",
        "[more]: javascript:alert(1)\n\n[Read more][more]",
        "![chart](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "[Read more](http://example.org/leaflet)",
        "[Read more](/admin/users)",
        "[Read more](leaflet.pdf)",
        "[Read more](//evil.example/x)",
        "<a href=\"javascript:alert(1)\">Read more</a>",
        "Text <a href='jav&#x61;script:alert(1)'>inline</a> here.",
        "<img src=\"http://tracker.example/p.gif\">",
    ];

    [Theory]
    [MemberData(nameof(RefusedLinks))]
    public void ALinkThatIsNotHttpsOrMailto_InATemplate_IsAnError_AtItsFileAndLine(string link)
    {
        using var repository = new ScratchRepository();
        File.WriteAllText(repository.PathOf(Driving), $"# Driving\n\nDo not drive until the next day.\n\n{link}\n");

        var error = Assert.Single(repository.Validate());

        Assert.Equal(Driving, error.File);
        Assert.Equal(5, error.Line);
        Assert.Equal("driving", error.StepId);
        Assert.Contains("links may only go to https: or mailto:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Read the leaflet](https://clinic.example/leaflet.pdf)")]
    [InlineData("<https://clinic.example/leaflet>")]
    [InlineData("[Write to us](mailto:clinic@clinic.example)")]
    [InlineData("<clinic@clinic.example>")]
    [InlineData("[Read more][more]\n\n[more]: https://clinic.example/more")]
    public void HttpsAndMailtoLinks_AreFine(string link)
    {
        using var repository = new ScratchRepository();
        File.WriteAllText(repository.PathOf(Driving), $"# Driving\n\nDo not drive until the next day.\n\n{link}\n");

        Assert.Empty(repository.Validate());
    }

    [Fact]
    public void ALinkAfterAListAndAFewParagraphs_IsNamedAtItsOwnLine()
    {
        using var repository = new ScratchRepository();
        File.WriteAllText(repository.PathOf(Driving),
            "# Driving\n\n**Do not drive.**\n\nUntil then:\n\n- No machines.\n- Nothing that needs you alert.\n\nArrange a ride.\nSee [this](javascript:alert(1)) too.\n");

        var error = Assert.Single(repository.Validate());

        Assert.Equal(11, error.Line);
    }

    [Fact]
    public void ALinkInAnInlineText_IsAnError_AtTheDefinitionsLine()
    {
        using var repository = new ScratchRepository();
        repository.Edit("text: { en: \"Anything else?\"", "text: { en: \"Anything else? [Tell us](javascript:alert(1))\"");

        var error = Assert.Single(repository.Validate());

        Assert.Equal("workflows/test-consent/v1.yaml", error.File);
        Assert.Equal(23, error.Line);
        Assert.Equal("screening", error.StepId);
        Assert.Contains("'javascript:alert(1)'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALinkInAReferencedTemplate_NamesThatFile()
    {
        using var repository = new ScratchRepository();
        const string Message = "templates/messages/es/pregnancy-referral.md";
        File.AppendAllText(repository.PathOf(Message), "\n[Llámenos](javascript:alert(1))\n");
        var lines = File.ReadAllLines(repository.PathOf(Message)).Length;

        var error = Assert.Single(repository.Validate());

        Assert.Equal(Message, error.File);
        Assert.Equal(lines, error.Line);
        Assert.Equal("refer-pregnancy", error.StepId);
    }
}
