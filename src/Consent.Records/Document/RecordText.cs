using Consent.Records.Layout;

namespace Consent.Records.Document;

/// <summary>Small helpers to build runs and key-value tables in the record's styles.</summary>
static class RecordText
{
    public static Run Text(string text) => new(text, Theme.Body);

    public static Run Bold(string text) => new(text, Theme.Body.WithBold());

    public static Run SmallText(string text) => new(text, Theme.Small);

    public static TableCell Cell(string text) => new([new Run(text, Theme.TableText)]);

    public static TableCell HeaderCell(string text) => new([new Run(text, Theme.TableHeader)]);

    /// <summary>Label on the left, value on the right; no header, light rules.</summary>
    public static TableBlock KeyValues(IEnumerable<(string Label, string Value)> pairs, double labelWeight = 0.3) =>
        new([labelWeight, 1 - labelWeight], null,
            [.. pairs.Select(p => (IReadOnlyList<TableCell>)[new TableCell([new Run(p.Label, Theme.Caption with { Size = 8.5 })]), Cell(p.Value)])])
        {
            Zebra = false,
            RowHeaders = true,
            CellPadding = 3.5,
            SpaceAfter = 8,
            KeepTogether = true,
        };

    public static ParagraphBlock Panel(IReadOnlyList<Run> runs, Rgb fill, Rgb? bar = null) =>
        new(runs) { Background = fill, Padding = 6, AccentBar = bar, SpaceAfter = 8 };

    public static string Time(DateTimeOffset at, ConsentRecord record) => RecordTime.Format(at, record.TimeZone);

    public static string LanguageName(string language, RecordLabels labels)
    {
        var name = labels.LanguageWord(language);
        return name == language ? language : $"{name} ({language})";
    }

    /// <summary>A cell with the patient's wording and, when there is one, the clinic's below it in grey.</summary>
    public static TableCell Cell(string text, string? clinicText) => clinicText is null
        ? Cell(text)
        : new([new Run(text, Theme.TableText), new Run($"\n{clinicText}", Theme.ClinicWording)]);
}
