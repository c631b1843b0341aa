using System.Threading.RateLimiting;
using Consent.Web.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Ui;

/// <summary>
/// The API's abuse limits (Hosting/RateLimits.cs, settings <c>RateLimits:*</c> in Settings/RateLimitOptions.cs) for the pages that
/// do the same things: staff sign-in and the patient's date-of-birth check per client address (the API's own
/// policies, one bucket for page and API), and the patient's pages per link.
/// </summary>
/// <remarks>
/// A Razor Page has one endpoint for all its handlers, so these policies look at the method: only a
/// posted sign-in or date of birth counts against those limits; reading the form does not.
/// </remarks>
public static class PageRateLimits
{
    /// <summary>The API's sign-in policy itself, so the page and the API share one bucket per address.</summary>
    public const string SignIn = RateLimits.Login;

    /// <summary>The API's date-of-birth policy itself, so the start page and the API share one bucket per address.</summary>
    public const string DateOfBirth = RateLimits.PatientVerify;

    /// <summary>The API's per-link policy itself: a link's pages and its API calls share one bucket.</summary>
    public const string Patient = RateLimits.Patient;

    public const string RecordCheck = "page-record-check";

    public static void AddPolicies(RateLimiterOptions options)
    {
        options.AddPolicy(RecordCheck, new RecordCheckLimit());
    }

    /// <summary>
    /// The public check page (<c>/check</c>, anonymous): every posted check (an upload or a SHA-256)
    /// counts per client address, so nobody can test digests in bulk or load the verifier with PDFs.
    /// A browser over the limit gets a short page that says when to try again; other clients the 429 problem.
    /// </summary>
    private sealed class RecordCheckLimit : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, ct) =>
        {
            var http = context.HttpContext;
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                await TypedResults.Problem(title: "Too many checks", detail: $"Please wait {retryAfter} seconds and try again.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
                return;
            }

            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Too many checks · Consent</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head><body class=\"staff\"><main id=\"main\">"
                + "<h1>Too many checks</h1><p class=\"lead\">This page answers a few checks a minute from each address. "
                + $"Please wait {retryAfter} seconds, then <a href=\"/check\">check the record again</a>.</p></main></body></html>", ct);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) => HttpMethods.IsPost(httpContext.Request.Method)
            ? RateLimits.PerMinute("record-check:" + RateLimits.ClientAddress(httpContext), RateLimits.Limits(httpContext).RecordChecksPerMinute)
            : RateLimitPartition.GetNoLimiter("record-check-form");
    }
}
