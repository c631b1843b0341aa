namespace Consent.Web.SystemEvents;

/// <summary>Registers the system audit trail: the queue, its writer (a hosted service) and its reads.</summary>
public static class SystemEventsRegistration
{
    public static IServiceCollection AddConsentSystemEvents(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<SystemAudit>();
        services.AddSingleton<SystemAuditWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<SystemAuditWriter>());
        services.AddScoped<SystemEventReads>();
        return services;
    }
}
