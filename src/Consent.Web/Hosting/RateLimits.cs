using System.Globalization;
using System.Threading.RateLimiting;
using Consent.Web.Settings;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Consent.Web.Hosting;

/// <summary>
/// Abuse limits: staff sign-ins and date-of-birth checks per client address, patient requests per
/// link. A refused request gets a 429 problem with Retry-After. Limits come from <c>RateLimits:*</c> (Settings/RateLimitOptions.cs).
/// </summary>
/// <remarks>
/// These slow down password spraying and link guessing across accounts; per-account lockout
/// (Identity) and per-link lockout (5 date-of-birth attempts) stop guessing against one target.
/// </remarks>
public static class RateLimits
{
    public const string Login = "login";
    public const string PatientVerify = "patient-verify";
    public const string Patient = "patient";

    public static IServiceCollection AddConsentRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    title: "Too many requests",
                    detail: $"Please wait {retryAfter} seconds and try again.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context.HttpContext);
            };
            // The API's endpoints and the pages that do the same things (Ui/PageRateLimits.cs) name these same policies:
            // the middleware keeps a bucket per policy and key, so a page with a policy of its own would give every
            // address a second allowance. Only a post counts; a page's form is read freely (the API's endpoints are posts).
            options.AddPolicy(Login, http => HttpMethods.IsPost(http.Request.Method)
                ? PerMinute("sign-in:" + ClientAddress(http), Limits(http).LoginPerMinute)
                : RateLimitPartition.GetNoLimiter("sign-in-form"));
            options.AddPolicy(PatientVerify, http => HttpMethods.IsPost(http.Request.Method)
                ? PerMinute("dob:" + ClientAddress(http), Limits(http).PatientVerifyPerMinute)
                : PerMinute("link:" + LinkToken(http), Limits(http).PatientRequestsPerMinute));
            options.AddPolicy(Patient, http => PerMinute("link:" + LinkToken(http), Limits(http).PatientRequestsPerMinute));
        });
        return services;
    }

    /// <summary>The limits as bound and checked at start-up (Settings/RateLimitOptions.cs).</summary>
    internal static RateLimitOptions Limits(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    internal static string LinkToken(HttpContext http) => http.Request.RouteValues["token"] as string ?? "";

    internal static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>
    /// The client a limit counts: its IPv4 address, or its IPv6 /64 network (one host or home network
    /// usually holds a whole /64, so counting single IPv6 addresses would hand it 2^64 fresh limits, as an
    /// outside review of the public check page pointed out).
    /// </summary>
    internal static string ClientAddress(HttpContext http) => ClientKey(http.Connection.RemoteIpAddress);

    internal static string ClientKey(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
