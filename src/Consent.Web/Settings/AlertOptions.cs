namespace Consent.Web.Settings;

/// <summary>
/// The admins' security alert digest (section <c>Alerts</c>, Alerts/AlertDigests.cs): staff lockouts, patients'
/// date-of-birth lockouts and failed audits, mailed to every active admin.
/// </summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>
    /// Minutes at least between two digests (default 15). The first alert after a quiet spell goes out at the next
    /// check; those that follow it wait for the next digest, so a burst of alerts is one mail, not hundreds.
    /// </summary>
    public double DigestMinutes { get; set; } = 15;

    /// <summary>Seconds between this node's checks for alerts to send (default 30); 0 leaves sending to other nodes.</summary>
    public double CheckSeconds { get; set; } = 30;
}
