using System.Globalization;
using Consent.Records;

namespace Consent.Web.SignedRecords;

/// <summary>How record files are named in downloads and exports, and how a kind is read from a query string.</summary>
public static class RecordFiles
{
    /// <summary><c>consent-record-{session}-{kind}.pdf</c>, with the kind in kebab case (<c>declined-summary</c>).</summary>
    public static string FileName(Guid sessionId, string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"consent-record-{sessionId:D}-{Kebab(kind)}.pdf");

    /// <summary>A record kind by name (<c>Consent</c>, <c>consent</c> or <c>declined-summary</c>).</summary>
    public static bool TryParseKind(string? text, out RecordKind kind)
    {
        kind = default;
        var name = (text ?? "").Replace("-", "", StringComparison.Ordinal);
        return name.Length > 0 && name.All(char.IsAsciiLetter) && Enum.TryParse(name, ignoreCase: true, out kind);
    }

    private static string Kebab(string kind) =>
        string.Concat(kind.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
