namespace Consent.Workflows;

/// <summary>A readability score and the scale it is on.</summary>
/// <param name="Scale"><c>flesch-kincaid-grade</c> (US school grade; lower is easier) or <c>fernandez-huerta</c> (0–100; higher is easier).</param>
/// <param name="Meaning">A short reading of the value, for reviewers.</param>
public sealed record ReadingScore(string Scale, double Value, string Meaning);

/// <summary>Readability of disclosure texts for ethics review: Flesch–Kincaid for English, Fernández Huerta for Spanish.</summary>
/// <remarks>Markdown is stripped first; each heading, paragraph and list item counts as at least one sentence.</remarks>
public static class ReadingLevel
{
    /// <summary>Flesch–Kincaid grade level: 0.39 (words/sentences) + 11.8 (syllables/words) − 15.59.</summary>
    public static double FleschKincaidGrade(string markdown)
    {
        var stats = TextStatistics.Of(markdown, Syllables.English);
        return stats.Words == 0 ? 0 : Math.Round(0.39 * stats.WordsPerSentence + 11.8 * stats.SyllablesPerWord - 15.59, 1);
    }

    /// <summary>
    /// Fernández Huerta readability (1959), as corrected by Law (2011):
    /// 206.84 − 0.60 (syllables per 100 words) − 1.02 (words per sentence).
    /// </summary>
    public static double FernandezHuerta(string markdown)
    {
        var stats = TextStatistics.Of(markdown, Syllables.Spanish);
        return stats.Words == 0 ? 100 : Math.Round(206.84 - 0.60 * 100 * stats.SyllablesPerWord - 1.02 * stats.WordsPerSentence, 1);
    }

    /// <summary>The score for a language (<c>en</c>, <c>es</c>, or regional forms like <c>en-US</c>); null for other languages.</summary>
    public static ReadingScore? For(string language, string markdown)
    {
        ArgumentNullException.ThrowIfNull(language);
        var primary = language.Split('-')[0].ToLowerInvariant();
        switch (primary)
        {
            case "en":
                var grade = FleschKincaidGrade(markdown);
                return new ReadingScore("flesch-kincaid-grade", grade, grade switch
                {
                    <= 6 => "easy (grade 6 or below)",
                    <= 8 => "plain (grades 7-8)",
                    <= 12 => "hard (high school)",
                    _ => "very hard (college)",
                });
            case "es":
                var score = FernandezHuerta(markdown);
                return new ReadingScore("fernandez-huerta", score, score switch
                {
                    >= 80 => "fácil (easy)",
                    >= 60 => "normal (plain)",
                    >= 50 => "algo difícil (somewhat hard)",
                    >= 30 => "difícil (hard)",
                    _ => "muy difícil (very hard)",
                });
            default:
                return null;
        }
    }
}
