using System.Security.Claims;

namespace Consent.Web.Hosting;

/// <summary>Adds the staff user id (never a patient's details) to the log scope of each request.</summary>
public static class RequestLogScope
{
    public static IApplicationBuilder UseConsentLogScope(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Consent.Request");
            var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
            using (logger.BeginScope(new Dictionary<string, object?>
            {
                ["UserId"] = userId ?? (context.User.Identity?.AuthenticationType == Identity.PatientAccess.Scheme ? "patient" : null),
                ["TraceId"] = context.TraceIdentifier,
            }))
            {
                await next();
            }
        });
}
