using Consent.Records;
using Consent.Workflows;

namespace Consent.Web.SignedRecords;

/// <summary>
/// The ways a session ends with a signed record, in one table: the status it ends in, the event that
/// ends it, and the kind of record it gets. Voided and expired sessions get none.
/// </summary>
public static class RecordEndings
{
    /// <summary>One way of ending: a session in <paramref name="Status"/>, ended by <paramref name="EndingEvent"/>, gets a <paramref name="Kind"/> record.</summary>
    public sealed record Ending(RecordKind Kind, SessionStatus Status, string EndingEvent);

    public static readonly IReadOnlyList<Ending> All =
    [
        new(RecordKind.Consent, SessionStatus.Completed, EventTypes.ClinicianCountersigned),
        // A consent given on paper: the clinician's attestation of the scanned form completes it, as a countersignature does.
        new(RecordKind.Consent, SessionStatus.Completed, EventTypes.PaperConsentRecorded),
        new(RecordKind.DeclinedSummary, SessionStatus.Declined, EventTypes.Declined),
        new(RecordKind.ReferredSummary, SessionStatus.Referred, EventTypes.StopReached),
        new(RecordKind.Withdrawal, SessionStatus.Withdrawn, EventTypes.Withdrawn),
        // A dose-day check-in ends Cleared (nothing to report, or released by a clinician after a discussion) or NotToday;
        // Held is not an ending that gets a record: the clinician's decision ends it, and its one record shows the hold too.
        new(RecordKind.Checkin, SessionStatus.Cleared, EventTypes.CheckinCleared),
        new(RecordKind.Checkin, SessionStatus.Cleared, EventTypes.CheckinReleased),
        new(RecordKind.Checkin, SessionStatus.NotToday, EventTypes.CheckinNotToday),
    ];

    /// <summary>The record a session in this status gets, if any.</summary>
    public static Ending? ForStatus(SessionStatus status) => All.FirstOrDefault(e => e.Status == status);

    /// <summary>The events that end a session with this kind of record (a check-in has three).</summary>
    public static IReadOnlySet<string> EndingEvents(RecordKind kind) => All.Where(e => e.Kind == kind).Select(e => e.EndingEvent).ToHashSet(StringComparer.Ordinal);

    /// <summary>True for an event that ends a session with a record.</summary>
    public static bool IsEndingEvent(string eventType) => All.Any(e => e.EndingEvent == eventType);
}
