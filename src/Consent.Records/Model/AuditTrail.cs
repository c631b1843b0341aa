namespace Consent.Records;

/// <summary>The session's hash-chained event log, as printed on the record's audit page.</summary>
/// <param name="Events">Every event in sequence order.</param>
/// <param name="LastHash">The hash of the last event: the head of the chain.</param>
public sealed record AuditTrail(IReadOnlyList<AuditEvent> Events, string LastHash);

/// <summary>One event of the session's log.</summary>
public sealed record AuditEvent(
    long Sequence,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? IpAddress,
    string? UserAgent,
    string Hash);
