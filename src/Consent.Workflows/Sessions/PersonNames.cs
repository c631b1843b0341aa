using System.Globalization;
using System.Text;

namespace Consent.Workflows;

/// <summary>Compares a typed name with the registered one, ignoring case, accents and extra spaces.</summary>
public static class PersonNames
{
    /// <summary>True when both names are the same after folding case, accents and white space.</summary>
    public static bool Match(string? typed, string? registered) =>
        typed is not null && registered is not null && Fold(typed).Length > 0 && Fold(typed) == Fold(registered);

    /// <summary>
    /// The folded form: lower case, no accents, single spaces, trimmed. Only accents go: a variation
    /// selector or another invisible mark (<see cref="VisibleText"/> refuses them) stays, so
    /// "Jane Doe\uFE0F" is not the registered "Jane Doe".
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
            if (char.IsWhiteSpace(c))
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
}
