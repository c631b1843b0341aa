using Consent.Records;

namespace Consent.Web.Records;

/// <summary>The clinic as printed on records and mail: <c>Consent:ClinicName</c>, <c>ClinicAddress</c>, <c>ClinicPhone</c>, <c>TimeZone</c>.</summary>
public sealed record ClinicSettings(ClinicDetails Clinic, TimeZoneInfo TimeZone)
{
    public static ClinicSettings From(IConfiguration configuration)
    {
        var name = configuration["Consent:ClinicName"] is { Length: > 0 } n ? n.Trim() : "Consent clinic";
        var address = (configuration["Consent:ClinicAddress"] ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var phone = configuration["Consent:ClinicPhone"] is { Length: > 0 } p ? p.Trim() : null;
        var zoneId = configuration["Consent:TimeZone"];
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

        return new ClinicSettings(new ClinicDetails(name, address, phone), zone);
    }
}
