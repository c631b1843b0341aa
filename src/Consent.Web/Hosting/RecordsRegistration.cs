namespace Consent.Web.Hosting;

/// <summary>Signed records: issuing through the outbox, downloads, verification, FHIR and bulk export.</summary>
public static class RecordsRegistration
{
    public static IServiceCollection AddConsentRecords(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        _ = configuration;
        _ = environment;
        return services;
    }

    public static void MapConsentRecords(this WebApplication app)
    {
        _ = app;
    }
}
