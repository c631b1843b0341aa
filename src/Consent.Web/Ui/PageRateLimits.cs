using System.Threading.RateLimiting;
using Consent.Web.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Ui;

/// <summary>
/// The API's abuse limits (Hosting/RateLimits.cs, settings <c>RateLimits:*</c> in Settings/RateLimitOptions.cs) for the pages that
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

    public static void AddPolicies(RateLimiterOptions options)
    {
        options.AddPolicy(SignIn, http => HttpMethods.IsPost(http.Request.Method)
            ? RateLimits.PerMinute("sign-in:" + RateLimits.ClientAddress(http), RateLimits.Limits(http).LoginPerMinute)
            : RateLimitPartition.GetNoLimiter("sign-in-form"));
        options.AddPolicy(DateOfBirth, http => HttpMethods.IsPost(http.Request.Method)
            ? RateLimits.PerMinute("dob:" + RateLimits.ClientAddress(http), RateLimits.Limits(http).PatientVerifyPerMinute)
            : RateLimits.PerMinute("link:" + RateLimits.LinkToken(http), RateLimits.Limits(http).PatientRequestsPerMinute));
        options.AddPolicy(Patient, http => RateLimits.PerMinute("link:" + RateLimits.LinkToken(http), RateLimits.Limits(http).PatientRequestsPerMinute));
    }
}
