using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Ui;

/// <summary>
/// The API's abuse limits (Hosting/RateLimits.cs, settings <c>RateLimits:*</c>) for the pages that
/// do the same things: staff sign-in and the patient's date-of-birth check per client address, and
/// the patient's pages per link.
/// </summary>
/// <remarks>
/// A Razor Page has one endpoint for all its handlers, so these policies look at the method: only a
/// posted sign-in or date of birth counts against those limits; reading the form does not.
/// </remarks>
public static class PageRateLimits
{
    public const string SignIn = "page-sign-in";
    public const string DateOfBirth = "page-date-of-birth";
    public const string Patient = "page-patient";

    public static void AddPolicies(RateLimiterOptions options, IConfiguration configuration)
    {
        var login = configuration.GetValue("RateLimits:LoginPerMinute", 20);
        var verify = configuration.GetValue("RateLimits:PatientVerifyPerMinute", 30);
        var patient = configuration.GetValue("RateLimits:PatientRequestsPerMinute", 120);
        options.AddPolicy(SignIn, http => HttpMethods.IsPost(http.Request.Method)
            ? PerMinute("sign-in:" + Address(http), login)
            : RateLimitPartition.GetNoLimiter("sign-in-form"));
        options.AddPolicy(DateOfBirth, http => HttpMethods.IsPost(http.Request.Method)
            ? PerMinute("dob:" + Address(http), verify)
            : PerMinute("link:" + Token(http), patient));
        options.AddPolicy(Patient, http => PerMinute("link:" + Token(http), patient));
    }

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string Token(HttpContext http) => http.Request.RouteValues["token"] as string ?? "";
}
