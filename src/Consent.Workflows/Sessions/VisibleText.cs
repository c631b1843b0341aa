using System.Globalization;
using System.Text;

namespace Consent.Workflows;

/// <summary>Why a typed text is refused by <see cref="VisibleText"/>.</summary>
public enum TextProblem
{
    /// <summary>Control, format (zero-width, bidirectional), other default-ignorable, private-use, unassigned or unpaired surrogate characters, or replacement characters.</summary>
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
/// paragraph separators U+2028/U+2029, and every other Default_Ignorable_Code_Point: Unicode's
/// DerivedCoreProperties.txt derives that property as Other_Default_Ignorable_Code_Point + Cf +
/// Variation_Selector - White_Space - FFF9..FFFB - 13430..1343F - Prepended_Concatenation_Mark
/// (https://www.unicode.org/Public/UCD/latest/ucd/DerivedCoreProperties.txt; UAX #44), and the ones
/// outside Cf and Cn are the Hangul fillers (Lo), the combining grapheme joiner U+034F, the Khmer
/// inherent vowels U+17B4/U+17B5, the Mongolian free variation selectors U+180B..U+180D and U+180F,
/// and the variation selectors U+FE00..U+FE0F and U+E0100..U+E01EF (all Mn). They draw nothing, so
/// "MRN\uFE0F1234" looks like "MRN1234" and is not found by a search for it. Also refused: the
/// object replacement and replacement characters U+FFFC/U+FFFD, which stand for something that is
/// not there (an embedded object, or bytes that could not be decoded).
/// Two exceptions, both writing rather than hiding. The zero-width joiner and non-joiner between two
/// letters, marks or symbols: Persian and Indic names need them (the CONTEXTJ rule of RFC 5892
/// Appendix A.1/A.2, as PRECIS, RFC 8264, applies it, here simplified to "inside a word"). And
/// emoji: they are visible symbols a patient may well type in a question, so they pass, and so does
/// the variation selector U+FE0F or U+FE0E directly after a symbol (an emoji presentation sequence,
/// which phone keyboards add to "\u2764\uFE0F") or inside a keycap ("1\uFE0F\u20E3"), the sequences
/// of Unicode Technical Standard #51, ED-9a and ED-14c; after a letter, a digit or a space a variation
/// selector changes nothing a reader sees, and is refused.
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

    /// <summary>
    /// True for a character that shows nothing by itself, whatever surrounds it: controls, format
    /// characters, every other default-ignorable one, private-use and unassigned code points, line and
    /// paragraph separators, and the replacement characters. <see cref="Check"/> allows a few of them
    /// in context (joiners inside a word, emoji presentation selectors, line breaks in multi-line text).
    /// </summary>
    public static bool IsHidden(Rune rune) =>
        IsDefaultIgnorableOutsideCf(rune.Value) || rune.Value is 0xFFFC or 0xFFFD
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static bool Allowed(Rune rune, Rune? previous, Rune? next, bool multiline) =>
        !IsHidden(rune)
        || (multiline && rune.Value is '\n' or '\r' or '\t')
        || (rune.Value is 0x200C or 0x200D && Joins(previous) && Joins(next))
        || (rune.Value is 0xFE0E or 0xFE0F && IsEmojiPresentation(previous, next));

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

    /// <summary>
    /// The Default_Ignorable_Code_Point characters that are neither format (Cf) nor unassigned (Cn),
    /// which the category check in <see cref="IsHidden"/> covers: Hangul fillers (Lo, letters that draw
    /// nothing), the combining grapheme joiner, the Khmer inherent vowels and the variation selectors (Mn).
    /// </summary>
    internal static bool IsDefaultIgnorableOutsideCf(int value) => value is
        0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or (>= 0x180B and <= 0x180D) or 0x180F
        or 0x3164 or (>= 0xFE00 and <= 0xFE0F) or 0xFFA0 or (>= 0xE0100 and <= 0xE01EF);

    /// <summary>A text or emoji presentation selector right after a symbol, or a keycap's (<c>[0-9#*] FE0F 20E3</c>).</summary>
    private static bool IsEmojiPresentation(Rune? previous, Rune? next) => previous is { } before
        && (Rune.GetUnicodeCategory(before) == UnicodeCategory.OtherSymbol
            || (before.Value is (>= '0' and <= '9') or '#' or '*' && next?.Value == 0x20E3));
}
