using System.Globalization;
using System.Text;

namespace Consent.Web.Sessions;

/// <summary>Checks free text from users: length, no control characters (NUL cannot be stored), normalized form.</summary>
public static class TextInput
{
    /// <summary>The trimmed, NFC-normalized text, or an error message naming the field.</summary>
    public static (string? Value, string? Error) Clean(string? text, string field, int maxLength, bool required = true, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? (null, $"{field} is required.") : (null, null);
        }

        if (text.Length > maxLength * 4)
        {
            return (null, $"{field} is longer than {maxLength} characters.");
        }

        foreach (var c in text)
        {
            var category = char.GetUnicodeCategory(c);
            var allowedControl = multiline && c is '\n' or '\r' or '\t';
            if ((category is UnicodeCategory.Control && !allowedControl) || category is UnicodeCategory.Surrogate && !char.IsSurrogate(c))
            {
                return (null, $"{field} contains characters that are not allowed.");
            }
        }

        if (!IsWellFormedUtf16(text))
        {
            return (null, $"{field} contains characters that are not allowed.");
        }

        var value = text.Trim().Normalize(NormalizationForm.FormC);
        return value.Length > maxLength ? (null, $"{field} is longer than {maxLength} characters.") : (value, null);
    }

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
