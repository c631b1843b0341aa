namespace Consent.Web.Settings;

/// <summary>
/// Abuse limits (section <c>RateLimits</c>), used by the API's policies (Hosting/RateLimits.cs) and
/// the pages' (Ui/PageRateLimits.cs). Each is a count per minute and must be at least 1.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Staff sign-ins per client address per minute.</summary>
    public int LoginPerMinute { get; set; } = 20;

    /// <summary>Date-of-birth checks per client address per minute.</summary>
    public int PatientVerifyPerMinute { get; set; } = 30;

    /// <summary>Patient requests per link per minute.</summary>
    public int PatientRequestsPerMinute { get; set; } = 120;

    /// <summary>Checks on the public record check page (<c>/check</c>: an upload or a SHA-256) per client address per minute.</summary>
    public int RecordChecksPerMinute { get; set; } = 10;
}
