using System.Text.RegularExpressions;
using Consent.Web.Settings;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Consent.Web.Hosting;

/// <summary>
/// The service's settings as typed options (Settings/), bound from configuration and checked at
/// start-up: a bad value stops the service with a message that names the key (<see cref="ValidateSettings"/>).
/// </summary>
public static partial class SettingsRegistration
{
    public static IServiceCollection AddConsentSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClinicOptions>().Bind(configuration.GetSection(ClinicOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.TimeZone) || TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone.Trim(), out _),
                "Consent:TimeZone is not a time zone this machine knows; use an IANA name such as America/New_York.")
            .Validate(o => string.IsNullOrWhiteSpace(o.ClinicLanguage) || ClinicOptions.Languages.Contains(o.ClinicLanguage.Trim().ToLowerInvariant()),
                $"Consent:ClinicLanguage must be a language the records are labelled in: {string.Join(" or ", ClinicOptions.Languages)}.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl)
                    || (Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"),
                "Consent:PublicBaseUrl must be an absolute http(s) address, such as https://consent.example.org.")
            .ValidateOnStart();
        services.AddOptions<MailOptions>().Bind(configuration.GetSection(MailOptions.Section))
            .Validate(o => o.Port is >= 1 and <= 65535, "Smtp:Port must be a port number, 1 to 65535.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Host) || !string.IsNullOrWhiteSpace(o.From),
                "Smtp:Host is set but Smtp:From is not: set the sender address of patient mail.")
            .Validate(o => string.IsNullOrWhiteSpace(o.From) || MailboxAddress.TryParse(o.From, out _), "Smtp:From is not an email address.")
            .ValidateOnStart();
        services.AddOptions<SigningOptions>().Bind(configuration.GetSection(SigningOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.PreviousCertificatesPath) || File.Exists(o.PreviousCertificatesPath),
                "Signing:PreviousCertificatesPath names a file that does not exist.")
            .Validate(o => string.IsNullOrWhiteSpace(o.TimestampUrl)
                    || (Uri.TryCreate(o.TimestampUrl, UriKind.Absolute, out var tsa) && (tsa.Scheme == Uri.UriSchemeHttp || tsa.Scheme == Uri.UriSchemeHttps)),
                "Signing:TimestampUrl must be an absolute http or https address of an RFC 3161 time-stamping authority.")
            .Validate(o => double.IsFinite(o.TimestampTimeoutSeconds) && o.TimestampTimeoutSeconds is >= 1 and <= 120,
                "Signing:TimestampTimeoutSeconds must be 1 to 120.")
            .Validate(o => string.IsNullOrWhiteSpace(o.TimestampRootsPath) || File.Exists(o.TimestampRootsPath),
                "Signing:TimestampRootsPath names a file that does not exist.")
            .Validate(o => string.IsNullOrWhiteSpace(o.TrustedRootsPath) || File.Exists(o.TrustedRootsPath),
                "Signing:TrustedRootsPath names a file that does not exist.")
            .ValidateOnStart();
        services.AddOptions<StaffSignInOptions>().Bind(configuration.GetSection(StaffSignInOptions.Section))
            .Validate(o => o.IdleMinutes is >= 1 and <= 480, "Identity:IdleMinutes must be 1 to 480 (minutes without activity before a staff sign-in ends).")
            .Validate(o => o.MaxSignInHours is >= 1 and <= 24, "Identity:MaxSignInHours must be 1 to 24 (hours after which any staff sign-in ends).")
            .Validate(o => o.IdleMinutes <= o.MaxSignInHours * 60, "Identity:IdleMinutes must not be longer than Identity:MaxSignInHours.")
            .ValidateOnStart();
        services.AddOptions<ConsentSessionOptions>().Bind(configuration.GetSection(ConsentSessionOptions.Section))
            .Validate(o => o.StateCacheEvents >= 0, "Sessions:StateCacheEvents must be 0 (no cache) or more.")
            .ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => RoleName().IsMatch(o.RuntimeRole),
                "Database:RuntimeRole must be a plain PostgreSQL role name (lower-case letters, digits and _).")
            .Validate(o => DatabaseOptions.SynchronousCommitPolicies.Contains(o.SynchronousCommit),
                $"Database:SynchronousCommit must be {string.Join(" or ", DatabaseOptions.SynchronousCommitPolicies)}.")
            .Validate(o => double.IsFinite(o.SynchronousCommitTimeoutSeconds) && o.SynchronousCommitTimeoutSeconds is >= 0.1 and <= 300,
                "Database:SynchronousCommitTimeoutSeconds must be 0.1 to 300.")
            .Validate(o => double.IsFinite(o.MaxReadLagSeconds) && o.MaxReadLagSeconds is >= 0 and <= 3600,
                "Database:MaxReadLagSeconds must be 0 (the read source only when it has replayed everything) to 3600.")
            .Validate(o => ReadSources.Valid(configuration.GetConnectionString(ReadSources.ConnectionName)),
                "ConnectionStrings:ConsentRead is not a connection string Npgsql can read.")
            .ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.LoginPerMinute >= 1, "RateLimits:LoginPerMinute must be 1 or more.")
            .Validate(o => o.PatientVerifyPerMinute >= 1, "RateLimits:PatientVerifyPerMinute must be 1 or more.")
            .Validate(o => o.PatientRequestsPerMinute >= 1, "RateLimits:PatientRequestsPerMinute must be 1 or more.")
            .Validate(o => o.RecordChecksPerMinute >= 1, "RateLimits:RecordChecksPerMinute must be 1 or more.")
            .ValidateOnStart();
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.IntervalMinutes >= 0 && double.IsFinite(o.IntervalMinutes), "Audit:IntervalMinutes must be 0 (off) or a number of minutes.")
            .Validate(o => o.FirstRunAfterSeconds >= 0 && o.FirstRunAfterSeconds <= 86_400,
                "Audit:FirstRunAfterSeconds must be a number of seconds from 0 to 86400.")
            .ValidateOnStart();
        services.AddOptions<CheckpointOptions>().Bind(configuration.GetSection(CheckpointOptions.Section))
            .Validate(o => o.IntervalMinutes >= 0 && double.IsFinite(o.IntervalMinutes), "Checkpoints:IntervalMinutes must be 0 (off) or a number of minutes.")
            .Validate(o => o.FirstRunAfterSeconds >= 0 && o.FirstRunAfterSeconds <= 86_400,
                "Checkpoints:FirstRunAfterSeconds must be a number of seconds from 0 to 86400.")
            .ValidateOnStart();
        services.AddOptions<AnchorOptions>().Bind(configuration.GetSection(AnchorOptions.Section))
            .Validate(o => string.IsNullOrWhiteSpace(o.Directory) || !File.Exists(o.Directory),
                "Anchors:Directory names a file; it must name a folder (it is made when missing).")
            .ValidateOnStart();
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section))
            .Validate(o => double.IsFinite(o.DigestMinutes) && o.DigestMinutes is > 0 and <= 1440,
                "Alerts:DigestMinutes must be more than 0 and at most 1440 (a day): the minutes at least between two alert digests.")
            .Validate(o => double.IsFinite(o.CheckSeconds) && o.CheckSeconds is >= 0 and <= 3600,
                "Alerts:CheckSeconds must be 0 (this node sends no digests) to 3600.")
            .ValidateOnStart();
        services.AddOptions<EvidenceOptions>().Bind(configuration.GetSection(EvidenceOptions.Section))
            .Validate(o => o.IntervalMinutes >= 0 && double.IsFinite(o.IntervalMinutes), "Evidence:IntervalMinutes must be 0 (off) or a number of minutes.")
            .Validate(o => o.FirstRunAfterSeconds >= 0 && o.FirstRunAfterSeconds <= 86_400, "Evidence:FirstRunAfterSeconds must be a number of seconds from 0 to 86400.")
            .Validate(o => o.BatchSize is >= 1 and <= 10_000, "Evidence:BatchSize must be 1 to 10000.")
            .Validate(o => double.IsFinite(o.RenewBeforeDays) && o.RenewBeforeDays is >= 1 and <= 3650, "Evidence:RenewBeforeDays must be 1 to 3650.")
            .Validate(o => o.DeprecatedDigests.All(d => System.Text.RegularExpressions.Regex.IsMatch(d, "^[0-2](\\.[0-9]+)+$")),
                "Evidence:DeprecatedDigests must be digest algorithm OIDs such as 1.3.14.3.2.26.")
            .ValidateOnStart();
        services.AddOptions<RenewalOptions>().Bind(configuration.GetSection(RenewalOptions.Section))
            .Validate(o => o.IntervalMinutes >= 0 && double.IsFinite(o.IntervalMinutes), "Renewals:IntervalMinutes must be 0 (off) or a number of minutes.")
            .Validate(o => o.FirstRunAfterSeconds >= 0 && o.FirstRunAfterSeconds <= 86_400,
                "Renewals:FirstRunAfterSeconds must be a number of seconds from 0 to 86400.")
            .Validate<IOptions<ClinicOptions>>((o, clinic) => !o.EmailNewLink || Uri.TryCreate(clinic.Value.PublicBaseUrl, UriKind.Absolute, out _),
                "Renewals:EmailNewLink needs Consent:PublicBaseUrl, the address patients reach the service at, for the links it emails.")
            .ValidateOnStart();
        services.AddOptions<CdsHooksOptions>().Bind(configuration.GetSection(CdsHooksOptions.Section))
            .Validate(o => o.ClockSkewSeconds is >= 0 and <= 300, "CdsHooks:ClockSkewSeconds must be 0 to 300 seconds.")
            .Validate(o => o.MaxTokenLifetimeSeconds is >= 10 and <= 3600, "CdsHooks:MaxTokenLifetimeSeconds must be 10 to 3600 seconds.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.MrnSystem), "CdsHooks:MrnSystem must name the identifier system of the clinic's MRN.")
            .Validate(o => o.Orders.All(order => order.Split('=', 2, StringSplitOptions.TrimEntries) is [{ Length: > 0 }, { Length: > 0 }]),
                "CdsHooks:Orders entries must read RXCUI=workflow-id, such as 6130=ketamine-iv-depression.")
            .Validate(o => string.IsNullOrWhiteSpace(o.TrustedClientsPath) || TrustedClientsFileReads(o.TrustedClientsPath),
                "CdsHooks:TrustedClientsPath must name a readable trusted-clients file: {\"clients\": [{\"iss\": ..., \"keys\": [JWK, ...]}]}.")
            .ValidateOnStart();
        services.AddOptions<ReviewOptions>().Bind(configuration.GetSection(ReviewOptions.Section))
            .PostConfigure<IHostEnvironment>((o, environment) => o.RequiredApprovals ??=
                environment.IsDevelopment() ? ReviewOptions.DevelopmentRequiredApprovals : ReviewOptions.DefaultRequiredApprovals)
            .Validate(o => o.RequiredApprovals >= 1, "Review:RequiredApprovals must be 1 or more: the number of distinct reviewers who must approve a workflow version.")
            .ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section)).ValidateOnStart();
        services.AddOptions<DataDirectoryOptions>().Configure(o => o.Path = configuration[DataDirectoryOptions.Key])
            .Validate(o => !File.Exists(o.FullPath), "CONSENT_DATA_DIR names a file; it must name a folder.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>Binds and checks every setting now, so a mistake stops start-up before anything else happens.</summary>
    /// <exception cref="StartupProblemException">Each bad setting, by key.</exception>
    public static void ValidateSettings(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException invalid)
        {
            throw new StartupProblemException("The settings are not valid; the service will not start with them:\n  "
                + string.Join("\n  ", invalid.Failures));
        }
        catch (InvalidOperationException unreadable) when (unreadable.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key ("... at 'Smtp:Port' to type 'System.Int32'").
            throw new StartupProblemException("The settings are not valid; the service will not start with them:\n  " + unreadable.Message);
        }
    }

    /// <summary>A setting's value as bound, for code that runs before the container exists (command-line verbs).</summary>
    public static T Read<T>(IConfiguration configuration, string section)
        where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

    private static bool TrustedClientsFileReads(string path)
    {
        try
        {
            Identity.TrustedClients.Parse(File.ReadAllText(path));
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
