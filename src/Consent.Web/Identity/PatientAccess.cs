using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Consent.Web.Identity;

/// <summary>
/// The patient's access after a date-of-birth check: a short-lived, data-protected ticket bound to
/// one session and one link, sent as a bearer token by API clients or as an HttpOnly cookie by pages.
/// </summary>
/// <remarks>
/// The ticket names the link's hash and generation, so reissuing a link (after a lockout) revokes
/// every ticket issued for the old one. It is not an Identity login: patients have no account.
/// </remarks>
public static class PatientAccess
{
    public const string Scheme = "PatientAccess";
    public const string SessionClaim = "consent:session";
    public const string LinkClaim = "consent:link";
    public const string CookieName = "consent_patient";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(4);

    /// <summary>How long a check-in on the clinic's tablet stays open to the patient there after it ends (SessionWriter.TabletAccessOver).</summary>
    public static readonly TimeSpan TabletGrace = TimeSpan.FromMinutes(5);
    // v2: the expiry is in the protected payload and checked against the service's TimeProvider, the clock that
    // issued it (v1 used the time-limited protector, which checks against the machine's clock). A v1 ticket no longer
    // opens anything: the patient verifies again.
    private const string Purpose = "Consent.PatientAccess.v2";

    public static string Issue(IDataProtectionProvider provider, Guid sessionId, string linkHash, DateTimeOffset now)
    {
        var protector = provider.CreateProtector(Purpose);
        var expires = now.Add(Lifetime).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return protector.Protect(string.Join('|', sessionId.ToString("N"), linkHash, expires));
    }

    /// <summary>The session and link a ticket opens, or null when it is forged, for another purpose or ran out by <paramref name="now"/>.</summary>
    public static (Guid SessionId, string LinkHash)? Read(IDataProtectionProvider provider, string ticket, DateTimeOffset now)
    {
        try
        {
            var parts = provider.CreateProtector(Purpose).Unprotect(ticket).Split('|');
            return parts.Length == 3 && Guid.TryParseExact(parts[0], "N", out var id)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
                && now.ToUnixTimeMilliseconds() < expires
                ? (id, parts[1])
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>Authenticates a patient ticket from the Authorization header or the patient cookie.</summary>
public sealed class PatientAccessHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDataProtectionProvider dataProtection,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? ticket = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            ticket = header["Bearer ".Length..].Trim();
        }
        else if (Request.Cookies.TryGetValue(PatientAccess.CookieName, out var cookie))
        {
            ticket = cookie;
        }

        if (string.IsNullOrEmpty(ticket))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var access = PatientAccess.Read(dataProtection, ticket, clock.GetUtcNow());
        if (access is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The patient access ticket is not valid."));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(PatientAccess.SessionClaim, access.Value.SessionId.ToString("D", CultureInfo.InvariantCulture)),
                new Claim(PatientAccess.LinkClaim, access.Value.LinkHash),
            ],
            PatientAccess.Scheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), PatientAccess.Scheme)));
    }
}
