namespace Consent.Web.Tests.Records;

/// <summary>
/// The two events an export reads of a stand-in session's chain, for tests that insert records by SQL:
/// the first (its workflow) and the <c>RecordIssued</c> event that names the stored PDF. Without them the
/// export leaves the record out, as it must for a record put in the database outside the service.
/// </summary>
internal static class SyntheticChains
{
    /// <summary>SQL inserting both events for every stored record that <paramref name="recordsWhere"/> (over <c>r</c>) selects.</summary>
    public static string EventsFor(string recordsWhere) => $"""
        INSERT INTO consent_events (session_id, seq, type, payload, actor, at, prev_hash, hash)
        SELECT s.id, 1, 'SessionCreated', jsonb_build_object('workflowId', s.workflow_id, 'workflowVersion', s.workflow_version),
               'clinician', s.created_at, repeat('0', 64), repeat('1', 64)
        FROM consent_records r JOIN consent_sessions s ON s.id = r.session_id WHERE {recordsWhere}
        UNION ALL
        SELECT r.session_id, 2, 'RecordIssued', jsonb_build_object('sha256', r.sha256, 'kind', r.kind),
               'system', r.issued_at, repeat('1', 64), repeat('2', 64)
        FROM consent_records r WHERE {recordsWhere};
        """;
}
