using System.Globalization;
using System.Text;
using Consent.Records;

namespace Consent.Web.SignedRecords;

/// <summary>How record files are named in downloads and exports, and how a kind is read from a query string.</summary>
public static class RecordFiles
{
    /// <summary>
    /// <c>consent-record-{session}-{kind}.pdf</c>, with the kind in kebab case (<c>declined-summary</c>):
    /// the name inside an export ZIP and on a mailed copy, where it must be unique per session.
    /// </summary>
    public static string FileName(Guid sessionId, string kind) =>
        string.Create(CultureInfo.InvariantCulture, $"consent-record-{sessionId:D}-{Kebab(kind)}.pdf");

    /// <summary>
    /// <c>consent-{patient initials}-{day}-{what}.{extension}</c>, the name a browser saves a download
    /// under (<c>consent-MJP-2026-11-30-consent.pdf</c>): one a person can find again in a downloads
    /// folder. The day is in the clinic's time zone, as on the record. Two sessions of the same
    /// initials on the same day get the same name; the browser numbers the second, and the file's
    /// content (session id, hashes) says which is which.
    /// </summary>
    public static string DownloadName(string patientName, DateTimeOffset at, TimeZoneInfo zone, string what, string extension) =>
        string.Create(CultureInfo.InvariantCulture,
            $"consent-{Initials(patientName)}-{TimeZoneInfo.ConvertTime(at, zone):yyyy-MM-dd}-{Kebab(what)}.{extension}");

    /// <summary>
    /// The first letter of each part of the name, accents taken off and in capitals (María José
    /// Pérez-López: MJPL); letters outside A to Z are left out, so the name is safe in any file
    /// system and header. "patient" when nothing is left.
    /// </summary>
    public static string Initials(string patientName)
    {
        var initials = new StringBuilder();
        foreach (var part in patientName.Split([' ', '-', '\u2010', '\u2011', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var first = part.Normalize(NormalizationForm.FormD).FirstOrDefault(char.IsLetter);
            if (char.IsAsciiLetter(first))
            {
                initials.Append(char.ToUpperInvariant(first));
            }
        }

        return initials.Length > 0 ? initials.ToString() : "patient";
    }

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
