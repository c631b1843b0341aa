using System.Text;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>Checks free text from users: length, visible characters only (<see cref="VisibleText"/>), normalized form.</summary>
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

        switch (VisibleText.Check(text, multiline))
        {
            case TextProblem.HiddenCharacters:
                return (null, $"{field} contains characters that are not allowed: control or invisible formatting characters "
                    + "(such as zero-width spaces or text-direction marks). Type the text again without them.");
            case TextProblem.NothingVisible:
                return (null, $"{field} has no visible characters.");
            default:
                break;
        }

        var value = text.Trim().Normalize(NormalizationForm.FormC);
        return value.Length > maxLength ? (null, $"{field} is longer than {maxLength} characters.") : (value, null);
    }

    /// <summary>True when the text would be refused for its characters (not its length or absence): for pages that explain this to a patient.</summary>
    public static bool HasHiddenCharacters(string? text, bool multiline = false) =>
        !string.IsNullOrWhiteSpace(text) && VisibleText.Check(text, multiline) is not null;
}
