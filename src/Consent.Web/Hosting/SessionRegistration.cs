using Consent.Web.Outbox;
using Consent.Web.Sessions;
using Consent.Web.WorkflowVersions;

namespace Consent.Web.Hosting;

/// <summary>Workflows loaded at start-up and the services that run sessions on them.</summary>
public static class SessionRegistration
{
    public static IServiceCollection AddConsentSessions(this IServiceCollection services)
    {
        services.AddSingleton<WorkflowRegistry>();
        services.AddSingleton<PatientLinks>();
        services.AddSingleton<PublicAddress>();
        services.AddSingleton<SessionStateCache>();
        services.AddScoped<SessionWriter>();
        services.AddScoped<StaffSessions>();
        // Needs the key-encryption certificate, which stops start-up with a message when it is missing (CheckKeyEncryption).
        services.AddSingleton(provider => new EventSeals(provider.GetRequiredService<Identity.KeyEncryption>()));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IOutboxHandler, ExpireSessionHandler>();
        services.AddSingleton<OutboxWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxWorker>());
        return services;
    }
}
