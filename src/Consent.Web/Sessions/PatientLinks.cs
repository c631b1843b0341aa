using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.Sessions;

/// <summary>Builds the patient's link: <c>{base}/p/{token}</c>, on the configured public base URL (<c>Consent:PublicBaseUrl</c>) if set.</summary>
public sealed class PatientLinks(IOptions<ClinicOptions> clinic)
{
    /// <param name="requestBaseUrl">The scheme and host the request came to, used when no public base URL is configured.</param>
    public string PatientUrl(string requestBaseUrl, string token)
    {
        var configured = clinic.Value.PublicBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? requestBaseUrl : configured.TrimEnd('/');
        return $"{baseUrl}/p/{token}";
    }

    /// <summary>The token of a link <see cref="PatientUrl"/> built: its last path segment after <c>/p/</c>; null for anything else.</summary>
    public static string? TokenOf(string url)
    {
        var at = url.LastIndexOf("/p/", StringComparison.Ordinal);
        var token = at < 0 ? null : url[(at + 3)..];
        return LinkTokens.LooksValid(token) ? token : null;
    }
}
