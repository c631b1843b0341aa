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
        new(RecordKind.DeclinedSummary, SessionStatus.Declined, EventTypes.Declined),
        new(RecordKind.ReferredSummary, SessionStatus.Referred, EventTypes.StopReached),
        new(RecordKind.Withdrawal, SessionStatus.Withdrawn, EventTypes.Withdrawn),
    ];

    /// <summary>The record a session in this status gets, if any.</summary>
    public static Ending? ForStatus(SessionStatus status) => All.FirstOrDefault(e => e.Status == status);

    /// <summary>How a session ends with this kind of record.</summary>
    public static Ending For(RecordKind kind) => All.First(e => e.Kind == kind);

    /// <summary>True for an event that ends a session with a record.</summary>
    public static bool IsEndingEvent(string eventType) => All.Any(e => e.EndingEvent == eventType);
}
