using Consent.Records;
using Consent.Web.Hosting;
using Consent.Web.Settings;

namespace Consent.Web.SignedRecords;

/// <summary>The clinic as printed on records and mail (<see cref="ClinicOptions"/>: <c>Consent:ClinicName</c>, <c>ClinicAddress</c>, <c>ClinicPhone</c>, <c>TimeZone</c>, <c>ClinicLanguage</c>).</summary>
/// <param name="Language">The clinic's own language (<c>Consent:ClinicLanguage</c>, default "en").</param>
public sealed record ClinicSettings(ClinicDetails Clinic, TimeZoneInfo TimeZone, string Language = ClinicSettings.DefaultLanguage)
{
    /// <summary>The clinic's language when none is configured.</summary>
    public const string DefaultLanguage = "en";

    /// <summary>The clinic's name when none is configured (records, mail and the development certificate alike).</summary>
    public const string DefaultName = "Consent clinic";

    public static ClinicSettings From(IConfiguration configuration) => From(SettingsRegistration.Read<ClinicOptions>(configuration, ClinicOptions.Section));

    public static ClinicSettings From(ClinicOptions options)
    {
        var name = NameOf(options);
        var address = (options.ClinicAddress ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var phone = options.ClinicPhone is { Length: > 0 } p ? p.Trim() : null;
        var zoneId = options.TimeZone;
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrWhiteSpace(zoneId) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneId.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new Hosting.StartupProblemException(
                $"Consent:TimeZone '{zoneId}' is not a time zone this machine knows; use an IANA name such as America/New_York.");
        }

        var language = options.ClinicLanguage is { Length: > 0 } l && l.Trim().Length > 0 ? l.Trim().ToLowerInvariant() : DefaultLanguage;
        return new ClinicSettings(new ClinicDetails(name, address, phone), zone, language);
    }

    public static string NameOf(ClinicOptions options) => options.ClinicName is { Length: > 0 } n ? n.Trim() : DefaultName;
}
