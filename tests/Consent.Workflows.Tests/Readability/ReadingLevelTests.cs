namespace Consent.Workflows.Tests.Readability;

public sealed class ReadingLevelTests
{
    private const string SimpleEnglish = "# Driving\n\nDo not drive today. Ask a friend to take you home. You can drive again tomorrow.";

    private const string ComplexEnglish =
        "Administration of subanesthetic intravenous ketamine necessitates continuous hemodynamic monitoring, " +
        "considering the documented propensity for transient hypertension, tachycardia and dissociative phenomena " +
        "that, notwithstanding their typically self-limiting characteristics, occasionally require pharmacological intervention.";

    private const string SimpleSpanish = "# Manejar\n\nNo maneje hoy. Pida a un amigo que le lleve a casa. Mañana puede manejar.";

    private const string ComplexSpanish =
        "La administración intravenosa de ketamina en dosis subanestésicas requiere una monitorización hemodinámica " +
        "continuada, considerando la documentada propensión a la hipertensión transitoria, la taquicardia y los fenómenos " +
        "disociativos que, no obstante su carácter habitualmente autolimitado, ocasionalmente precisan intervención farmacológica.";

    [Fact]
    public void FleschKincaid_ScoresSimpleTextLow_AndComplexTextHigh()
    {
        var simple = ReadingLevel.FleschKincaidGrade(SimpleEnglish);
        var complex = ReadingLevel.FleschKincaidGrade(ComplexEnglish);

        Assert.InRange(simple, -3, 4);
        Assert.True(complex > 18, $"complex text scored {complex}");
    }

    [Fact]
    public void FleschKincaid_MatchesTheFormulaOnAKnownText()
    {
        // 2 sentences, 9 words, 10 syllables: 0.39 * 4.5 + 11.8 * 10/9 - 15.59 = -0.72.
        Assert.Equal(-0.7, ReadingLevel.FleschKincaidGrade("The cat sat on the mat. It was happy."), 1);
    }

    [Fact]
    public void FernandezHuerta_ScoresSimpleTextHigh_AndComplexTextLow()
    {
        var simple = ReadingLevel.FernandezHuerta(SimpleSpanish);
        var complex = ReadingLevel.FernandezHuerta(ComplexSpanish);

        Assert.True(simple > 80, $"simple text scored {simple}");
        Assert.True(complex < 30, $"complex text scored {complex}");
    }

    [Theory]
    [InlineData("casa", 2)]
    [InlineData("hoy", 1)]
    [InlineData("guía", 2)]
    [InlineData("poeta", 3)]
    [InlineData("tratamiento", 4)]
    [InlineData("ketamina", 4)]
    public void SpanishSyllables_FollowDiphthongsAndHiatus(string word, int expected)
    {
        Assert.Equal(expected, Syllables.Spanish(word));
    }

    [Theory]
    [InlineData("cat", 1)]
    [InlineData("table", 2)]
    [InlineData("happy", 2)]
    [InlineData("treatment", 2)]
    [InlineData("monitoring", 4)]
    public void EnglishSyllables_AreCountedByHeuristic(string word, int expected)
    {
        Assert.Equal(expected, Syllables.English(word));
    }

    [Fact]
    public void Markdown_IsStrippedBeforeCounting()
    {
        Assert.Equal(
            ReadingLevel.FleschKincaidGrade("Do not drive today. Ask a friend."),
            ReadingLevel.FleschKincaidGrade("Do **not** drive *today*. [Ask](https://example.org) a friend."));
    }

    [Fact]
    public void For_PicksTheScaleByLanguage()
    {
        Assert.Equal("flesch-kincaid-grade", ReadingLevel.For("en", SimpleEnglish)?.Scale);
        Assert.Equal("fernandez-huerta", ReadingLevel.For("es-MX", SimpleSpanish)?.Scale);
        Assert.Null(ReadingLevel.For("fr", "Bonjour."));
    }
}
