namespace Consent.Workflows;

/// <summary>
/// The level key information must read at: grade 6 or below (45 CFR 46.116(a)(5)(i) asks for a concise summary that
/// facilitates understanding). Checked when a workflow loads (DefinitionChecks) and shown to the reviewer beside each score.
/// </summary>
public static class KeyInformationReading
{
    /// <summary>The hardest a key-information text may read: US grade 6 (Flesch–Kincaid) in English.</summary>
    public const double MostGrade = 6;

    /// <summary>
    /// The same bar in Spanish on Fernández Huerta's scale, where 70–80 reads "bastante fácil", the sixth school
    /// year, in his interpretation table (higher is easier).
    /// </summary>
    public const double LeastFernandezHuerta = 70;

    /// <summary>The target on <paramref name="score"/>'s scale, in words, and whether the score meets it; null for a scale without one.</summary>
    public static (double Limit, string Description, bool Met)? Target(ReadingScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return score.Scale switch
        {
            "flesch-kincaid-grade" => (MostGrade, $"grade 6 or below (Flesch–Kincaid grade {MostGrade} or less)", score.Value <= MostGrade),
            "fernandez-huerta" => (LeastFernandezHuerta, $"grade 6 or below (Fernández Huerta {LeastFernandezHuerta} or more)", score.Value >= LeastFernandezHuerta),
            _ => null,
        };
    }
}
