namespace Consent.Records;

/// <summary>The session's hash-chained event log, as printed on the record's audit page.</summary>
/// <param name="Events">Every event in sequence order.</param>
/// <param name="LastHash">The hash of the last event: the head of the chain.</param>
public sealed record AuditTrail(IReadOnlyList<AuditEvent> Events, string LastHash)
{
    /// <summary>
    /// The sequence number of the last event the record covers (0 when it lists none). Signed into
    /// the PDF with <see cref="LastHash"/>, so a verifier can compare the record with the stored chain.
    /// </summary>
    public long LastSequence => Events.Count == 0 ? 0 : Events[^1].Sequence;
}

/// <summary>One event of the session's log.</summary>
public sealed record AuditEvent(
    long Sequence,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? IpAddress,
    string? UserAgent,
    string Hash);
