using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Hosting;

/// <summary>
/// Outside Development, pages are served only over HTTPS (directly or through a trusted TLS proxy);
/// a page asked for over plain HTTP gets a 403 problem saying so instead of a 500.
/// </summary>
/// <remarks>
/// Every page sets Secure cookies (staff sign-in, patient ticket, antiforgery), and ASP.NET Core's
/// antiforgery refuses to issue its Secure cookie on a plain-HTTP request by throwing, which was the
/// 500. A redirect to https would loop when the request came through a proxy the service does not
/// trust (the proxy would send it back over plain HTTP), so the answer is a clear refusal, and the
/// log says which of the two mistakes it was. The API, health checks and static files are unaffected.
/// </remarks>
public static class HttpsPages
{
    public static IApplicationBuilder UseConsentHttpsPages(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpsPages).FullName!);
        return app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps || context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is null)
            {
                await next();
                return;
            }

            // The forwarded-headers middleware removes X-Forwarded-Proto when it believes it, so one
            // still present came from a peer that is not a configured proxy.
            var untrustedProxy = context.Request.Headers.ContainsKey("X-Forwarded-Proto");
            logger.LogWarning(
                "Refused the page {Path} over plain HTTP from {Peer}: {Reason}",
                LinkTokenRedaction.Redact(context.Request.Path.Value ?? ""),
                context.Connection.RemoteIpAddress,
                untrustedProxy
                    ? "it came through a proxy that is not trusted; add the proxy's address to Proxy__KnownProxies or Proxy__KnownNetworks."
                    : "pages need HTTPS; reach the service through its TLS proxy (deploy/nginx.conf).");
            await TypedResults.Problem(
                title: "HTTPS required",
                detail: "This page is served only over HTTPS. Open the address that starts with https://.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        });
    }
}
