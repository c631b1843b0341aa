using System.Globalization;
using System.Text;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>
/// The User-Agent header as the event log keeps it, and as signed records show it: every character
/// that shows nothing by itself (<see cref="VisibleText.IsHidden"/>: controls, bidirectional overrides,
/// zero-width and other default-ignorable characters) written out as <c>&lt;U+202E&gt;</c>, at most
/// <see cref="MaxLength"/> characters. A client chooses this text, so it must not reorder or hide
/// anything on the record's audit page; written out, what was sent stays visible to an auditor.
/// </summary>
/// <remarks>
/// Events stored before this rule keep their header as sent: the stored value is what the event's
/// hash covers, so it is never rewritten; the record only shows it written out.
/// </remarks>
public static class UserAgentText
{
    /// <summary>The column's length (consent_events.user_agent).</summary>
    public const int MaxLength = 512;

    /// <summary>The cleaned header, or null when there is none.</summary>
    public static string? Clean(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = new StringBuilder(Math.Min(header.Length, MaxLength));
        for (var i = 0; i < header.Length;)
        {
            var piece = Rune.DecodeFromUtf16(header.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done
                ? $"<U+{(int)header[i]:X4}>"
                : VisibleText.IsHidden(rune) ? string.Create(CultureInfo.InvariantCulture, $"<U+{rune.Value:X4}>") : rune.ToString();
            if (text.Length + piece.Length > MaxLength)
            {
                break; // whole characters only: never half a surrogate pair or half a written-out one
            }

            text.Append(piece);
            i += Math.Max(used, 1);
        }

        var cleaned = text.ToString().Trim();
        return cleaned.Length > 0 ? cleaned : null;
    }
}
