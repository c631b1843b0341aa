using Consent.Web.Mail;
using Consent.Web.Outbox;
using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.Hosting;

/// <summary>Patient mail (the invitation and the copies of records): its settings, delivery and outbox handler.</summary>
public static class MailRegistration
{
    public static IServiceCollection AddConsentMail(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddSingleton(provider => MailSettings.Load(provider.GetRequiredService<IOptions<MailOptions>>().Value,
            provider.GetRequiredService<IOptions<DataDirectoryOptions>>().Value, environment));
        services.AddSingleton<MailDelivery>();
        services.AddSingleton<PatientMail>();
        services.AddSingleton<IOutboxHandler, SendMailHandler>();
        services.AddSingleton<StaffMail>();
        services.AddSingleton<IOutboxHandler, StaffMailHandler>();
        return services;
    }

    /// <summary>Loads the mail settings now, so a mistake stops start-up with a clear message, and says how mail leaves.</summary>
    public static void CheckMailConfiguration(this WebApplication app)
    {
        var mail = app.Services.GetRequiredService<MailSettings>();
        app.Logger.LogInformation("Patient mail: {Mode}.", mail.Host is { } host ? $"SMTP via {host}:{mail.Port}"
            : mail.DropFolder is { } folder ? $".eml files in {folder} (Development)" : "off (Smtp:Host is not set)");
    }
}
