namespace Consent.Web.Hosting;

/// <summary>Security headers on every response: a strict CSP with no inline script, no framing, no sniffing.</summary>
public static class SecurityHeaders
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The reviewer's version pages draw the flow diagram with Mermaid, which writes its SVG with a
    /// &lt;style&gt; element and style attributes; there only, inline styles are allowed. Scripts
    /// stay 'self' only, so nothing inline runs; the page shows workflow texts and staff input, no patient data.
    /// </summary>
    private const string ReviewContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseConsentSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (!context.Request.Path.StartsWithSegments("/scalar"))
                {
                    headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/review") && context.Request.Path.Value!.Length > "/review/".Length
                        ? ReviewContentSecurityPolicy
                        : ContentSecurityPolicy;
                }

                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            await next();
        });
}
