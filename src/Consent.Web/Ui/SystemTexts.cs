using System.Reflection;
using Consent.Web.Localization;

namespace Consent.Web.Ui;

/// <summary>
/// What patients read besides a workflow's own texts, for the ethics reviewer: the service's fixed
/// messages (page furniture, waiting and ending pages, errors) and its mail, per language. Read
/// from <see cref="PatientTexts"/> and <see cref="PatientMailTexts"/> themselves, so the list
/// cannot fall behind them; {0}, {1}… are filled in when used (a clinic, a link, a date, a number).
/// </summary>
public static class SystemTexts
{
    /// <summary>One text by its name in the code, per language.</summary>
    public sealed record Row(string Name, IReadOnlyDictionary<string, string> Texts);

    /// <summary>The messages the patient pages show, in the order they are declared.</summary>
    public static IReadOnlyList<Row> Messages(IReadOnlyList<string> languages) =>
        Rows(languages, PatientTexts.For, skip: [nameof(PatientTexts.Code), nameof(PatientTexts.LanguageName)]);

    /// <summary>The mail a patient can be sent: subjects and bodies.</summary>
    public static IReadOnlyList<Row> Mail(IReadOnlyList<string> languages) => Rows(languages, PatientMailTexts.For, skip: []);

    private static List<Row> Rows<T>(IReadOnlyList<string> languages, Func<string, T> texts, string[] skip)
    {
        var properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.GetIndexParameters().Length == 0 && !skip.Contains(p.Name))
            .OrderBy(p => p.MetadataToken);
        return [.. properties.Select(p => new Row(p.Name,
            languages.ToDictionary(l => l, l => (string?)p.GetValue(texts(l)) ?? "", StringComparer.Ordinal)))];
    }
}
