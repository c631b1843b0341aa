using Consent.Web.Api;
using Consent.Web.Mail;
using Consent.Web.Outbox;
using Consent.Web.Records;
using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.Hosting;

/// <summary>Signed records (issuing through the outbox, downloads, verification, FHIR, bulk export) and the patient mail that carries them.</summary>
public static class RecordsRegistration
{
    public static IServiceCollection AddConsentRecords(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddSingleton(provider => RecordSigning.Load(provider.GetRequiredService<IOptions<SigningOptions>>().Value,
            provider.GetRequiredService<IOptions<DataDirectoryOptions>>().Value.FullPath,
            ClinicSettings.NameOf(provider.GetRequiredService<IOptions<ClinicOptions>>().Value), environment));
        services.AddSingleton(provider => ClinicSettings.From(provider.GetRequiredService<IOptions<ClinicOptions>>().Value));
        services.AddScoped<RecordIssuer>();
        services.AddScoped<RecordCheck>();
        services.AddScoped<RecordExport>();
        services.AddSingleton<IOutboxHandler, IssueRecordHandler>();
        services.AddSingleton(provider => MailSettings.Load(provider.GetRequiredService<IOptions<MailOptions>>().Value,
            provider.GetRequiredService<IOptions<DataDirectoryOptions>>().Value, environment));
        services.AddSingleton<MailDelivery>();
        services.AddSingleton<PatientMail>();
        services.AddSingleton<IOutboxHandler, SendMailHandler>();
        return services;
    }

    public static void MapConsentRecords(this WebApplication app)
    {
        app.MapRecordsApi();
        app.MapExportsApi();
    }

    /// <summary>Loads the signing certificate, clinic and mail settings now, so a configuration mistake stops start-up with a clear message.</summary>
    /// <exception cref="StartupProblemException">What the operator must fix.</exception>
    public static void CheckRecordsConfiguration(this WebApplication app)
    {
        var signing = app.Services.GetRequiredService<RecordSigning>();
        _ = app.Services.GetRequiredService<ClinicSettings>();
        var mail = app.Services.GetRequiredService<MailSettings>();
        app.Logger.LogInformation("Patient mail: {Mode}.", mail.Host is { } host ? $"SMTP via {host}:{mail.Port}"
            : mail.DropFolder is { } folder ? $".eml files in {folder} (Development)" : "off (Smtp:Host is not set)");
        app.Logger.LogInformation("Records are signed with {Subject} (SHA-256 thumbprint {Thumbprint}) from {Source}.",
            signing.Certificate.Subject, signing.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), signing.Source);
    }
}
