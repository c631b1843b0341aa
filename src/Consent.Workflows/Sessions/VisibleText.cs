using System.Globalization;
using System.Text;

namespace Consent.Workflows;

/// <summary>Why a typed text is refused by <see cref="VisibleText"/>.</summary>
public enum TextProblem
{
    /// <summary>Control, format (zero-width, bidirectional), private-use, unassigned or unpaired surrogate characters.</summary>
    HiddenCharacters,

    /// <summary>Only spaces and marks: nothing a reader would see.</summary>
    NothingVisible,
}

/// <summary>
/// What people may type into a field that reaches a record or an email: text a reader sees as it is.
/// A name of zero-width spaces looks empty, and "Jane \u202EeoD" (a right-to-left override) is shown
/// as "Jane Doe" while it is stored as something else; neither may reach a signed record.
/// </summary>
/// <remarks>
/// Refused: Unicode categories Cc (control; newline, carriage return and tab are allowed in multi-line
/// text), Cf (format: zero-width space, bidirectional marks, overrides and isolates, BOM, soft hyphen,
/// tags), Co (private use), Cn (unassigned, noncharacters), unpaired surrogates (Cs), the line and
/// paragraph separators U+2028/U+2029, and the Hangul fillers (invisible letters). The one exception is
/// the zero-width joiner and non-joiner between two letters, marks or symbols: Persian and Indic names
/// need them (the CONTEXTJ rule of RFC 5892 Appendix A.1/A.2, as PRECIS, RFC 8264, applies it, here
/// simplified to "inside a word").
/// Every text must also show something: at least one letter, digit, punctuation mark or symbol.
/// </remarks>
public static class VisibleText
{
    /// <summary>Null when <paramref name="text"/> is acceptable, otherwise why not.</summary>
    public static TextProblem? Check(string text, bool multiline = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var visible = false;
        var previous = default(Rune?);
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return TextProblem.HiddenCharacters;
            }

            var next = i + used < text.Length && Rune.DecodeFromUtf16(text.AsSpan(i + used), out var after, out _) == System.Buffers.OperationStatus.Done
                ? after : default(Rune?);
            if (!Allowed(rune, previous, next, multiline))
            {
                return TextProblem.HiddenCharacters;
            }

            visible |= Shows(rune);
            previous = rune;
            i += used;
        }

        return visible ? null : TextProblem.NothingVisible;
    }

    /// <summary>True when <paramref name="text"/> is not null and passes <see cref="Check"/>.</summary>
    public static bool IsAcceptable(string? text, bool multiline = false) => text is not null && Check(text, multiline) is null;

    private static bool Allowed(Rune rune, Rune? previous, Rune? next, bool multiline)
    {
        if (IsHangulFiller(rune.Value))
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control => multiline && rune.Value is '\n' or '\r' or '\t',
            UnicodeCategory.Format => rune.Value is 0x200C or 0x200D && Joins(previous) && Joins(next),
            UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate => false,
            UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    /// <summary>A joiner may stand between letters, combining marks and symbols (emoji sequences), never at an edge or beside a space.</summary>
    private static bool Joins(Rune? rune) => rune is { } r && Rune.GetUnicodeCategory(r) is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.OtherSymbol;

    /// <summary>Letters, digits, punctuation and symbols show; spaces, marks alone and the blank Braille cell do not.</summary>
    private static bool Shows(Rune rune) => rune.Value != 0x2800 && Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.Control or UnicodeCategory.Format => false,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => false,
        _ => true,
    };

    /// <summary>Hangul fillers are letters (Lo) that draw nothing (Default_Ignorable_Code_Point in Unicode's DerivedCoreProperties).</summary>
    private static bool IsHangulFiller(int value) => value is 0x115F or 0x1160 or 0x3164 or 0xFFA0;
}
