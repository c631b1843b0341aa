namespace Consent.Web.Settings;

/// <summary>The clinic as printed on records and in mail, and where patients reach the service (section <c>Consent</c>).</summary>
public sealed class ClinicOptions
{
    public const string Section = "Consent";

    /// <summary>Printed on records and in mail; default "Consent clinic".</summary>
    public string? ClinicName { get; set; }

    /// <summary>Postal address lines separated by ';'.</summary>
    public string? ClinicAddress { get; set; }

    public string? ClinicPhone { get; set; }

    /// <summary>
    /// The clinic's own language, one the records have labels for (<see cref="Languages"/>); default "en". A record
    /// in another language carries the clinic-language wording of its disclosures and answers beside the patient's.
    /// </summary>
    public string? ClinicLanguage { get; set; }

    /// <summary>The languages <see cref="ClinicLanguage"/> may name.</summary>
    public static readonly IReadOnlyList<string> Languages = ["en", "es"];

    /// <summary>IANA time zone in which records show times; default UTC.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Base URL of patient links (default: the request's own scheme and host).</summary>
    public string? PublicBaseUrl { get; set; }
}
