using Consent.Web.Api;
using Consent.Web.Outbox;
using Consent.Web.SignedRecords;
using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.Hosting;

/// <summary>Signed records: issuing through the outbox, downloads, verification, FHIR, bulk export (patient mail is Hosting/MailRegistration.cs).</summary>
public static class RecordsRegistration
{
    public static IServiceCollection AddConsentRecords(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddSingleton(provider => RecordSigning.Load(provider.GetRequiredService<IOptions<SigningOptions>>().Value,
            provider.GetRequiredService<IOptions<DataDirectoryOptions>>().Value.FullPath,
            ClinicSettings.NameOf(provider.GetRequiredService<IOptions<ClinicOptions>>().Value), environment));
        services.AddSingleton(provider => new RecordTimestamping(provider.GetRequiredService<IOptions<SigningOptions>>().Value));
        services.AddSingleton(provider => ClinicSettings.From(provider.GetRequiredService<IOptions<ClinicOptions>>().Value));
        services.AddScoped<RecordIssuer>();
        services.AddScoped<RecordEvidenceStore>();
        services.AddHostedService<RecordEvidenceJob>();
        services.AddScoped<RecordCheck>();
        services.AddScoped<PublicRecordCheck>();
        services.AddSingleton<CheckPageAddress>();
        services.AddScoped<RecordExport>();
        services.AddSingleton<IOutboxHandler, IssueRecordHandler>();
        // Anchored chain checkpoints (docs/checkpoints.md): made hourly by any node, one at a time; checked by the audit and the verify endpoint.
        services.AddScoped<Checkpoints.CheckpointMaker>();
        services.AddScoped<Checkpoints.CheckpointVerifier>();
        services.AddHostedService<Checkpoints.CheckpointMonitor>();
        return services;
    }

    public static void MapConsentRecords(this WebApplication app)
    {
        app.MapRecordsApi();
        app.MapExportsApi();
    }

    /// <summary>Loads the signing certificate and clinic settings now, so a configuration mistake stops start-up with a clear message.</summary>
    /// <exception cref="StartupProblemException">What the operator must fix.</exception>
    public static void CheckRecordsConfiguration(this WebApplication app)
    {
        var signing = app.Services.GetRequiredService<RecordSigning>();
        _ = app.Services.GetRequiredService<ClinicSettings>();
        var timestamping = app.Services.GetRequiredService<RecordTimestamping>();
        if (timestamping.Authority is { } tsa)
        {
            app.Logger.LogInformation("Records and chain checkpoints are timestamped by {Tsa}.", tsa.Url);
        }
        else
        {
            app.Logger.LogWarning("No time-stamping authority is configured (Signing:TimestampUrl): records are PAdES B-B and checkpoints are not timestamped.");
        }

        app.Logger.LogInformation("Records are signed with {Subject} (SHA-256 thumbprint {Thumbprint}) from {Source}.",
            signing.Certificate.Subject, signing.Certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), signing.Source);
    }
}
