using Consent.Workflows;

namespace Consent.Web.Ui;

/// <summary>Words staff pages use for statuses, event types and dates (times: <see cref="ClinicTime"/>).</summary>
public static class StaffLabels
{
    public static string Status(string status) => status switch
    {
        nameof(SessionStatus.Invited) => "Invited",
        nameof(SessionStatus.InProgress) => "In progress",
        nameof(SessionStatus.AwaitingCountersign) => "Awaiting countersignature",
        nameof(SessionStatus.Completed) => "Completed",
        nameof(SessionStatus.Declined) => "Declined",
        nameof(SessionStatus.Referred) => "Referred",
        nameof(SessionStatus.Expired) => "Expired",
        nameof(SessionStatus.Voided) => "Voided",
        nameof(SessionStatus.Withdrawn) => "Withdrawn",
        _ => status,
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A staff role as words: "EthicsReviewer" becomes "Ethics reviewer" (the value sent stays the role's name).</summary>
    public static string Role(string role) => Event(role);

    /// <summary>"CamelCase" event type as words: "PatientSigned" becomes "Patient signed".</summary>
    public static string Event(string type)
    {
        var words = new System.Text.StringBuilder();
        foreach (var c in type)
        {
            if (char.IsUpper(c) && words.Length > 0)
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }

        return words.ToString();
    }
}
