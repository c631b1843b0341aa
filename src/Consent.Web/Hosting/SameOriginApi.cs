using Consent.Web.Identity;

namespace Consent.Web.Hosting;

/// <summary>
/// Refuses, with a 403 problem, an API call that would change something, carries a sign-in cookie
/// (staff or patient) and no Authorization header, and was sent by a page of another origin:
/// cross-site request forgery.
/// </summary>
/// <remarks>
/// <para>
/// A browser attaches the service's cookies to a request another site's page starts. A form or a
/// <c>fetch</c> with a <c>text/plain</c> body needs no CORS preflight, and the admin and session
/// actions take no body at all, so SameSite=Lax was the only guard (and "same-site" includes other
/// hosts of the same registrable domain). Browsers say where a request comes from: <c>Sec-Fetch-Site</c>
/// (Fetch Metadata; only <c>same-origin</c>, or <c>none</c> for what the user typed, is ours) and
/// <c>Origin</c>, which must be the service's own: the request's scheme and host as the trusted proxy
/// forwarded them, or <c>Consent:PublicBaseUrl</c>. A request with neither header is not from a
/// browser page (curl with a cookie jar, say) and passes.
/// </para>
/// <para>
/// Bearer-token clients are not affected: a token is never sent by the browser on its own. Reading
/// (GET, HEAD) is not affected either; the pages' own scripts only read, and their forms post to the
/// pages, which carry antiforgery tokens.
/// </para>
/// </remarks>
public static class SameOriginApi
{
    public const string Detail =
        "This API call carries a sign-in cookie but was not sent by the service's own pages (Origin or Sec-Fetch-Site names another site), " +
        "so it was refused as a possible cross-site request forgery. Use the service's own pages, or call the API with a bearer token.";

    public static IApplicationBuilder UseConsentSameOriginApi(this IApplicationBuilder app)
    {
        var publicBaseUrl = app.ApplicationServices.GetRequiredService<IConfiguration>()["Consent:PublicBaseUrl"];
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Consent.SameOriginApi");
        return app.Use(async (context, next) =>
        {
            if (IsForeign(context.Request, publicBaseUrl, out var from))
            {
                logger.LogWarning("Refused a cookie-carried {Method} to the API from {From}: not the service's own origin.", context.Request.Method, from);
                await TypedResults.Problem(title: "Cross-site request refused", detail: Detail, statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
    }

    /// <summary>True for a cookie-carried API call that changes something and names a sender other than the service itself.</summary>
    public static bool IsForeign(HttpRequest request, string? publicBaseUrl, out string from)
    {
        from = "";
        if (!request.Path.StartsWithSegments("/api") || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method)
            // Only a bearer token picks a scheme other than the cookie (IdentityRegistration); any other Authorization
            // header (Basic, which a browser may add by itself, or an empty one) leaves the cookie doing the signing in.
            || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
            || !(request.Cookies.ContainsKey(IdentityRegistration.StaffCookie) || request.Cookies.ContainsKey(PatientAccess.CookieName)))
        {
            return false;
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            from = $"Sec-Fetch-Site: {site}";
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        from = $"Origin: {origin}";
        return !(SameOrigin(origin, $"{request.Scheme}://{request.Host}") || (!string.IsNullOrEmpty(publicBaseUrl) && SameOrigin(origin, publicBaseUrl)));
    }

    /// <summary>Scheme, host and port equal (RFC 6454 §5), default ports included; "null" and anything unreadable is no origin of ours.</summary>
    private static bool SameOrigin(string origin, string ours) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var a) && Uri.TryCreate(ours, UriKind.Absolute, out var b)
        && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
