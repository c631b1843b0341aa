using Consent.Web.Identity;

namespace Consent.Web.Ui;

/// <summary>Sets the patient ticket cookie after a date-of-birth check, on a page or through the API.</summary>
/// <remarks>
/// The same ticket and cookie name for <c>POST /api/v1/patient/{token}/verify</c> (Api/PatientApi.cs)
/// and the pages: HttpOnly so script never reads it, Secure outside Development, and no
/// longer-lived than the ticket inside it. Pages use SameSite=Lax rather than Strict: patients open
/// their link from an email or text message, a cross-site navigation on which a Strict cookie is
/// withheld, so a patient who had already confirmed their date of birth would be asked again and
/// the form they then sent would fail its antiforgery check (the form was made for nobody, the post
/// arrives with the ticket). Lax still keeps the cookie off every cross-site POST, and every page
/// form carries an antiforgery token besides.
/// </remarks>
public static class PatientTicketCookie
{
    /// <param name="sameSite">Lax for pages (see remarks); the API's verify answer uses Strict, its clients are not navigating.</param>
    public static void Append(HttpContext http, string ticket, IHostEnvironment environment, SameSiteMode sameSite = SameSiteMode.Lax) =>
        http.Response.Cookies.Append(PatientAccess.CookieName, ticket, new CookieOptions
        {
            HttpOnly = true,
            SameSite = sameSite,
            Secure = !environment.IsDevelopment() || http.Request.IsHttps,
            Path = "/",
            MaxAge = PatientAccess.Lifetime,
        });

    /// <summary>Removes the patient ticket cookie from this browser (the patient left the form on this device).</summary>
    public static void Remove(HttpContext http, IHostEnvironment environment) =>
        http.Response.Cookies.Delete(PatientAccess.CookieName, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = !environment.IsDevelopment() || http.Request.IsHttps,
            Path = "/",
        });
}
