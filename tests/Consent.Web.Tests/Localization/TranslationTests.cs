using System.Reflection;
using Consent.Records;
using Consent.Web.Localization;

namespace Consent.Web.Tests.Localization;

/// <summary>
/// Every text table has every text in every language it ships. All four have one shape (required
/// properties, an English and a Spanish instance, <c>For(language)</c>), so a text left out does not
/// compile; one left in English, or empty, fails here.
/// </summary>
public sealed class TranslationTests
{
    /// <summary>Texts that are deliberately the same in both languages, by table and member.</summary>
    private static readonly HashSet<string> SameInBothLanguages =
    [
        "PatientTexts.No",
        "RecordLabels.Sequence",
        "RecordLabels.Actor",
        "RecordLabels.Hash",
        "RecordLabels.No",
    ];

    public static TheoryData<string, object, object> Tables => new()
    {
        { nameof(PatientTexts), PatientTexts.English, PatientTexts.Spanish },
        { nameof(PatientMailTexts), PatientMailTexts.English, PatientMailTexts.Spanish },
        { nameof(RecordWording), RecordWording.English, RecordWording.Spanish },
        { nameof(RecordLabels), RecordLabels.English, RecordLabels.Spanish },
    };

    [Theory]
    [MemberData(nameof(Tables))]
    public void EveryText_IsTranslated_NotLeftInEnglish(string table, object english, object spanish)
    {
        var texts = english.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string)).ToList();
        Assert.NotEmpty(texts);
        var missing = texts
            .Where(p => string.IsNullOrWhiteSpace((string?)p.GetValue(spanish))
                || (string.Equals((string?)p.GetValue(spanish), (string?)p.GetValue(english), StringComparison.Ordinal)
                    && !SameInBothLanguages.Contains($"{table}.{p.Name}")))
            .Select(p => p.Name)
            .ToList();
        Assert.True(missing.Count == 0, $"{table}: not translated into Spanish: {string.Join(", ", missing)}");
        Assert.All(texts, p => Assert.False(string.IsNullOrWhiteSpace((string?)p.GetValue(english)), $"{table}.{p.Name} is empty in English"));
    }
}
