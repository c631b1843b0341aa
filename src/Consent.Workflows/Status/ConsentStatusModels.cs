using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>A patient's consent to one workflow, as staff see it before a dose (<see cref="ConsentStatus.Compute"/>).</summary>
public enum ConsentStatusKind
{
    /// <summary>No consent and no session that says anything: none yet, or only invitations that ran out or were voided.</summary>
    None,

    /// <summary>No consent in force; the latest thing is a session still open (invited, in progress, awaiting the countersignature).</summary>
    InProgress,

    /// <summary>A consent is in force and not near its end.</summary>
    Valid,

    /// <summary>A consent is in force and its validity ends within the workflow's notice period.</summary>
    Expiring,

    /// <summary>The latest consent's validity has ended.</summary>
    Expired,

    /// <summary>A consent is in force, but a newer approved version of the workflow requires re-consent.</summary>
    ReconsentDue,

    /// <summary>The patient withdrew the latest consent, and nothing has happened since.</summary>
    Withdrawn,

    /// <summary>No consent in force; the latest thing is a session the patient declined.</summary>
    Declined,

    /// <summary>No consent in force; the latest thing is a session the screening referred to a clinician.</summary>
    Referred,
}

/// <summary>What became of one signed consent record of a workflow.</summary>
public enum ConsentRecordState
{
    /// <summary>The consent in force, within its validity.</summary>
    Active,

    /// <summary>A later consent on the same workflow replaced it.</summary>
    Superseded,

    /// <summary>The patient withdrew it.</summary>
    Withdrawn,

    /// <summary>The consent in force, past its validity.</summary>
    Expired,
}

/// <summary>
/// One session of a patient, as the status needs it: no events, no database row. The host builds it
/// from its sessions table (or by replaying each session's events).
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="WorkflowId">The workflow it runs.</param>
/// <param name="Version">The workflow version it runs.</param>
/// <param name="Status">Where the session stands.</param>
/// <param name="CreatedAt">When the session was started (the invitation).</param>
/// <param name="SignedAt">When the consent was completed (the countersignature), for <see cref="SessionStatus.Completed"/> and <see cref="SessionStatus.Withdrawn"/>; required for those.</param>
/// <param name="EndedAt">When it was declined, referred, withdrawn, ran out or was voided; the creation time is used when absent.</param>
/// <param name="RecordSha256">The SHA-256 of the consent record issued for it, if any.</param>
public sealed record ConsentSessionSummary(
    Guid SessionId,
    string WorkflowId,
    int Version,
    SessionStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SignedAt = null,
    DateTimeOffset? EndedAt = null,
    string? RecordSha256 = null);

/// <summary>
/// The consent terms of one workflow version known to the registry, and whether it is approved.
/// Versions that are not approved still give the validity of consents signed on them; only approved
/// ones make a consent on an older version due for re-consent.
/// </summary>
public sealed record WorkflowVersionTerms(
    string WorkflowId,
    int Version,
    CalendarPeriod? Validity,
    CalendarPeriod? Notice,
    ReconsentRule Reconsent,
    bool Approved)
{
    /// <summary>The terms a loaded definition declares.</summary>
    public static WorkflowVersionTerms Of(WorkflowDefinition definition, bool approved)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new(definition.Id, definition.Version, definition.Validity, definition.Notice, definition.Reconsent, approved);
    }
}

/// <summary>One signed consent record of a workflow and what became of it (for FHIR's <c>Consent.status</c>).</summary>
/// <param name="SessionId">The session that produced it.</param>
/// <param name="RecordSha256">The record's SHA-256, if issued.</param>
/// <param name="Version">The workflow version signed.</param>
/// <param name="SignedAt">When it was completed.</param>
/// <param name="ExpiresAt">When its validity ends, or null when the version sets none.</param>
/// <param name="State">Active, superseded, withdrawn or expired.</param>
public sealed record ConsentRecordStatus(
    Guid SessionId,
    string? RecordSha256,
    int Version,
    DateTimeOffset SignedAt,
    DateTimeOffset? ExpiresAt,
    ConsentRecordState State);

/// <summary>A patient's consent status for one workflow.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="Status">The status.</param>
/// <param name="SessionId">The session the status is about (the consent, or the open, declined or referred session); null for <see cref="ConsentStatusKind.None"/>.</param>
/// <param name="RecordSha256">That session's record SHA-256, if one was issued.</param>
/// <param name="Version">That session's workflow version.</param>
/// <param name="SignedAt">When that consent was completed; null unless the session was signed.</param>
/// <param name="ExpiresAt">When that consent's validity ends (or ended); null when it does not expire or nothing was signed.</param>
/// <param name="Reason">A short English sentence for staff saying why.</param>
/// <param name="Records">Every signed consent record of the workflow, oldest first, with what became of it.</param>
public sealed record WorkflowConsentStatus(
    string WorkflowId,
    ConsentStatusKind Status,
    Guid? SessionId,
    string? RecordSha256,
    int? Version,
    DateTimeOffset? SignedAt,
    DateTimeOffset? ExpiresAt,
    string Reason,
    ImmutableArray<ConsentRecordStatus> Records);
