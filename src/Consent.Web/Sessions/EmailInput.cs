using System.Net.Mail;

namespace Consent.Web.Sessions;

/// <summary>
/// Checks an email address typed for a patient or a staff member: one bare <c>local@domain</c>, as typed
/// (case kept). A display name, a comment, angle brackets, a quoted local part or a list is refused:
/// "v@b.example (comment) &lt;spy@evil.example&gt;" parses as a mailbox for spy@evil.example, and a list
/// is no address at all.
/// </summary>
/// <remarks>
/// The local part is an ASCII dot-atom (RFC 5322 §3.2.3: atext, single dots inside, at most 64
/// characters, RFC 5321 §4.5.3.1.1) without "%" and "!": relays may still route "user%host@relay"
/// (RFC 1123 §5.2.16) and "host!user@relay" (UUCP) to another host, the way a comment once sent an
/// invitation to spy@evil.example. The domain has at least two labels of ASCII letters, digits and
/// inner hyphens, at most 63 characters each (RFC 1035 §2.3.4), and a top-level label that is not
/// all digits (RFC 3696 §2). No other script is accepted (RFC 6532 addresses are refused): a letter
/// that looks like a Latin one ("b\u0435.example" with a Cyrillic "e") would name another domain; an
/// internationalized domain is written in its ASCII "xn--" form. As a second check,
/// System.Net.Mail must read the text as exactly this address with no display name.
/// </remarks>
public static class EmailInput
{
    public const int MaxLength = 254;

    /// <summary>RFC 5322 atext symbols, less the routing characters "%" and "!".</summary>
    private const string AtextSymbols = "#$&'*+-/=?^_`{|}~";

    /// <summary>The trimmed address, or an error message naming the field.</summary>
    public static (string? Value, string? Error) Clean(string? text, string field, bool required)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? (null, $"{field} is required.") : (null, null);
        }

        var value = text.Trim();
        return IsBareAddress(value)
            ? (value, null)
            : (null, $"{field} must be one plain email address such as name@example.org, in ASCII letters, digits and . _ + - ' only: " +
                "no name, comment, angle brackets, spaces, list, % or ! (a domain in another script is given in its xn-- form).");
    }

    /// <summary>True when <paramref name="address"/> is exactly one bare address and nothing else.</summary>
    public static bool IsBareAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength)
        {
            return false;
        }

        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at > 64 || at != address.LastIndexOf('@'))
        {
            return false;
        }

        var local = address[..at];
        var domain = address[(at + 1)..];
        return local.Split('.').All(atom => atom.Length > 0 && atom.All(IsAtext))
            && domain.Split('.') is { Length: >= 2 } labels && labels.All(IsDomainLabel) && !labels[^1].All(char.IsAsciiDigit)
            && MailAddress.TryCreate(address, out var parsed) && parsed.DisplayName.Length == 0
            && string.Equals(parsed.Address, address, StringComparison.Ordinal);
    }

    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || AtextSymbols.Contains(c, StringComparison.Ordinal);

    private static bool IsDomainLabel(string label) =>
        label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
