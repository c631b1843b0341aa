using System.Text.RegularExpressions;

namespace Consent.Web.Hosting;

/// <summary>
/// Masks patient link tokens in text bound for the logs: <c>/p/{token}</c> becomes <c>/p/***</c>
/// and <c>/api/v1/patient/{token}/current</c> becomes <c>/api/v1/patient/***/current</c>; a staff
/// member's emailed link, <c>/account/link/{token}</c>, becomes <c>/account/link/***</c>.
/// </summary>
/// <remarks>
/// A link token opens a patient's consent (after the date-of-birth check), so it is a secret like a
/// password: the database keeps only its hash, and the logs, which more people read and keep longer,
/// must not hold it either. Paths are matched in any letter case (routing ignores case) and
/// percent-encoded too (a <c>ReturnUrl=%2Fp%2F…</c>). Inside a request on a patient path, the token
/// itself is also masked wherever it appears (route values, handler arguments), not only in paths.
/// </remarks>
public static partial class LinkTokenRedaction
{
    public const string Mask = "***";

    /// <summary>Shorter path segments are not taken for tokens when masking them everywhere (real ones have 43 characters).</summary>
    private const int MinimumTokenLength = 16;

    [GeneratedRegex(@"(?<prefix>(?:/|%2F)+(?:p|api(?:/|%2F)+v1(?:/|%2F)+patient|account(?:/|%2F)+link)(?:/|%2F)+)(?!\{)(?:[^/?#&\s""'<>%,;)\]}|\\]|%(?!2F)[0-9A-F]{2})+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenInPath();

    [GeneratedRegex(@"^/(?:p|api/v1/patient|account/link)/(?<token>[^/]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PatientPath();

    /// <summary>The text with every token in a patient path, and <paramref name="token"/> anywhere, masked; route templates (<c>/p/{token}</c>) stay readable.</summary>
    public static string Redact(string text, string? token = null)
    {
        if (token is not null && text.Contains(token, StringComparison.Ordinal))
        {
            text = text.Replace(token, Mask, StringComparison.Ordinal);
        }

        // A quick test before the expression: every path it masks contains one of these.
        return text.Contains("/p", StringComparison.OrdinalIgnoreCase) || text.Contains("/account", StringComparison.OrdinalIgnoreCase)
            || text.Contains("%2F", StringComparison.OrdinalIgnoreCase)
            ? TokenInPath().Replace(text, "${prefix}" + Mask)
            : text;
    }

    /// <summary>The link token a request path carries (<c>/p/{token}…</c>, <c>/api/v1/patient/{token}…</c>, <c>/account/link/{token}</c>), if any.</summary>
    public static string? TokenIn(PathString path) =>
        path.Value is { } value && PatientPath().Match(value) is { Success: true } match && match.Groups["token"].Length >= MinimumTokenLength
            ? match.Groups["token"].Value
            : null;
}
