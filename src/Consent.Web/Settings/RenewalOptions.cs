namespace Consent.Web.Settings;

/// <summary>
/// The renewal job (section <c>Renewals</c>, UseCases/PatientRecords/RenewalMonitor.cs): how often it looks for
/// consents that are <c>expiring</c> or <c>reconsent-due</c>, and whether it emails those patients a new link.
/// </summary>
public sealed class RenewalOptions
{
    public const string Section = "Renewals";

    /// <summary>Minutes between runs; 0 turns the job off (nothing new is raised in "Needs you").</summary>
    public double IntervalMinutes { get; set; } = 60;

    /// <summary>Seconds after start-up before the first run.</summary>
    public double FirstRunAfterSeconds { get; set; } = 30;

    /// <summary>
    /// When true, a renewal raised for a patient with an email address starts the re-consent at once, in the
    /// name of the clinician who obtained the consent, and emails the patient the new link. Off by default: a
    /// clinic turns it on once its mail and <c>Clinic:PublicBaseUrl</c> are set up and its ethics approval allows it.
    /// </summary>
    public bool EmailNewLink { get; set; }
}
