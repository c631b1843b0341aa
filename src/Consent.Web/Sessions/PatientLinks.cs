namespace Consent.Web.Sessions;

/// <summary>Builds the patient's link: <c>{base}/p/{token}</c>, on the configured public base URL if set.</summary>
public sealed class PatientLinks(IConfiguration configuration)
{
    public string PatientUrl(HttpContext http, string token)
    {
        var configured = configuration["Consent:PublicBaseUrl"];
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? $"{http.Request.Scheme}://{http.Request.Host}" : configured.TrimEnd('/');
        return $"{baseUrl}/p/{token}";
    }
}
