using System.Security.Claims;
using Consent.Web.Sessions;

namespace Consent.Web.UseCases;

/// <summary>
/// Who asks and from where, taken from the request once by the page or endpoint: the signed-in
/// principal, the client's address and browser (recorded with each event), and the address the
/// service was reached at (for patient links when no public base URL is configured).
/// </summary>
public sealed record Caller(ClaimsPrincipal User, string? Ip, string? UserAgent, string RequestBaseUrl)
{
    public static Caller From(HttpContext http) => new(
        http.User,
        http.Connection.RemoteIpAddress?.ToString(),
        UserAgentText.Clean(http.Request.Headers.UserAgent.ToString()),
        $"{http.Request.Scheme}://{http.Request.Host}");

    /// <summary>The signed-in staff member's id, if any.</summary>
    public Guid? StaffId => StaffAccess.UserId(User);

    /// <summary>The actor recorded on events this caller causes: a staff id, or <see cref="Actor.Patient"/>.</summary>
    public Actor As(string actorId) => new(actorId, Ip, UserAgent);
}
