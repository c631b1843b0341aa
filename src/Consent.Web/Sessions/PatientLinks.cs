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
}
