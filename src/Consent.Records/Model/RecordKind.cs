namespace Consent.Records;

/// <summary>What a record attests.</summary>
public enum RecordKind
{
    /// <summary>The patient gave informed consent (and a clinician countersigned).</summary>
    Consent,

    /// <summary>The patient withdrew a consent given earlier.</summary>
    Withdrawal,

    /// <summary>The patient declined; a summary of what happened up to that point.</summary>
    DeclinedSummary,

    /// <summary>Screening referred the patient elsewhere; a summary of what happened up to that point.</summary>
    ReferredSummary,

    /// <summary>A dose-day check-in that ended: cleared, cleared after a discussion, or not today (<see cref="ConsentRecord.Checkin"/>).</summary>
    Checkin,
}
