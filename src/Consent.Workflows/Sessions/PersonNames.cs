using System.Globalization;
using System.Text;

namespace Consent.Workflows;

/// <summary>How a typed name compares with the name the clinic registered.</summary>
public enum NameCheck
{
    /// <summary>The same name, once case, accents, apostrophes, hyphens and spaces are set aside.</summary>
    Same,

    /// <summary>The first given name and one or more of the other names ("Maria Garcia" for "María José García López").</summary>
    FirstAndFamily,

    /// <summary>Neither: the patient may still sign, and the clinician confirms who signed at countersigning.</summary>
    Different,
}

/// <summary>
/// Compares a typed name with the registered one the way a person at a front desk would: capitals,
/// accents, straight or curly apostrophes (O'Neil, O’Neil) and hyphens do not matter, and the first
/// given name with any family name is the same person ("Maria Garcia" for "María José García López").
/// </summary>
public static class PersonNames
{
    /// <summary>True unless the names are <see cref="NameCheck.Different"/>.</summary>
    public static bool Match(string? typed, string? registered) => Compare(typed, registered) != NameCheck.Different;

    /// <summary>How <paramref name="typed"/> compares with <paramref name="registered"/>.</summary>
    public static NameCheck Compare(string? typed, string? registered)
    {
        if (typed is null || registered is null)
        {
            return NameCheck.Different;
        }

        var t = Fold(typed);
        var r = Fold(registered);
        if (t.Length == 0)
        {
            return NameCheck.Different;
        }

        if (t == r)
        {
            return NameCheck.Same;
        }

        var typedWords = t.Split(' ');
        var registeredWords = r.Split(' ');
        return typedWords.Length >= 2 && registeredWords.Length >= 2 && typedWords[0] == registeredWords[0]
            && typedWords.Skip(1).All(w => registeredWords.Skip(1).Contains(w, StringComparer.Ordinal))
            ? NameCheck.FirstAndFamily
            : NameCheck.Different;
    }

    /// <summary>
    /// The folded form: lower case, no accents, no apostrophes, hyphens and dashes read as spaces,
    /// single spaces, trimmed. Only accents go: a variation selector or another invisible mark
    /// (<see cref="VisibleText"/> refuses them) stays, so "Jane Doe\uFE0F" is not the registered "Jane Doe".
    /// </summary>
    public static string Fold(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(name.Length);
        var pendingSpace = false;
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark && !VisibleText.IsDefaultIgnorableOutsideCf(c))
            {
                continue;
            }

            if (IsApostrophe(c))
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || IsHyphen(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>' ’ ‘ ʼ ` ´ ′ and the fullwidth one: what phones and keyboards type for an apostrophe.</summary>
    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B4' or '\u2032' or '\uFF07';

    /// <summary>The hyphen and the dashes people type between double names.</summary>
    private static bool IsHyphen(char c) => c is '-' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212' or '\uFF0D';
}
