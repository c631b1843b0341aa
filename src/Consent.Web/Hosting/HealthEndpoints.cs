using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Consent.Web.Hosting;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (and the database does).</summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddConsentHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<Audit.AuditHealthCheck>("audit-trail", tags: [ReadyTag]);
        services.AddSingleton<Audit.AuditStatus>();
        services.AddScoped<Audit.AuditService>();
        services.AddHostedService<Audit.AuditMonitor>();
        return services;
    }

    public static void MapConsentHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
    }
}
