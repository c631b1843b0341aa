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
        nameof(SessionStatus.Cleared) => "Cleared for today",
        nameof(SessionStatus.Held) => "Held: needs a clinician",
        nameof(SessionStatus.NotToday) => "Not today",
        _ => status,
    };

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A staff role as words: "EthicsReviewer" becomes "Ethics reviewer" (the value sent stays the role's name).</summary>
    public static string Role(string role) => Event(role);

    /// <summary>
    /// What an event means, in plain words for staff (English, the staff pages' language): "Identity
    /// check failed (wrong date of birth)" for <c>IdentityCheckFailed</c>. Pages show the type itself
    /// beside it, as a code, because the event chain, its JSON download and docs/event-log.md name
    /// events by type; a type this list does not know is shown as words (<see cref="Event"/>).
    /// </summary>
    public static string EventName(string type) => type switch
    {
        EventTypes.SessionCreated => "Session created by the clinician",
        EventTypes.IdentityVerified => "Identity verified (date of birth confirmed)",
        EventTypes.IdentityCheckFailed => "Identity check failed (wrong date of birth)",
        EventTypes.LinkLocked => "Link locked after too many wrong dates of birth",
        EventTypes.LinkReissued => "Link reissued: a new patient link was made",
        EventTypes.AnswersRecorded => "Answers recorded",
        EventTypes.DisclosureAcknowledged => "Disclosure acknowledged by the patient",
        EventTypes.ComprehensionAttempted => "Comprehension quiz attempted",
        EventTypes.HoldOpened => "Hold opened: the patient waits for a clinician",
        EventTypes.DiscussionRecorded => "Discussion recorded by a clinician",
        EventTypes.QuestionAsked => "Question asked by the patient",
        EventTypes.QuestionAnswered => "Question answered by a clinician",
        EventTypes.AskCompleted => "Questions finished: the patient had no more",
        EventTypes.StopReached => "Stop reached: an answer ended the consent",
        EventTypes.AnswersReopened => "Answers reopened to change one that would have ended the consent",
        EventTypes.PatientSigned => "Patient signed",
        EventTypes.ClinicianCountersigned => "Clinician countersigned",
        EventTypes.PaperConsentRecorded => "Signed paper form recorded",
        EventTypes.RecordIssued => "Signed record issued",
        EventTypes.Declined => "Declined by the patient",
        EventTypes.Expired => "Session expired",
        EventTypes.Voided => "Session voided by a clinician",
        EventTypes.Withdrawn => "Consent withdrawn",
        EventTypes.ReferralFollowedUp => "Referral followed up by a clinician",
        _ => Event(type),
    };

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
