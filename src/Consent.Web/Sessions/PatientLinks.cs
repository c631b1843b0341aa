namespace Consent.Web.Sessions;

/// <summary>Builds the patient's link: <c>{base}/p/{token}</c>, on the configured public base URL if set.</summary>
public sealed class PatientLinks(IConfiguration configuration)
{
    /// <param name="requestBaseUrl">The scheme and host the request came to, used when no public base URL is configured.</param>
    public string PatientUrl(string requestBaseUrl, string token)
    {
        var configured = configuration["Consent:PublicBaseUrl"];
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? requestBaseUrl : configured.TrimEnd('/');
        return $"{baseUrl}/p/{token}";
    }
}
