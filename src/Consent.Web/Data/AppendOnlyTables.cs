namespace Consent.Web.Data;

/// <summary>
/// The tables that hold history. The service's runtime role may only read and append to them
/// (SELECT, INSERT): the grants (<see cref="Hosting.DatabaseRoles"/>) and the start-up check of the
/// service's own role (<see cref="Hosting.RuntimeRoleCheck"/>) both read this one list, so a new
/// history table is protected by adding its name here.
/// </summary>
public static class AppendOnlyTables
{
    /// <summary>The hash-chained event log, and the signed records (stored once, never changed: RecordIssuer).</summary>
    public static readonly IReadOnlyList<string> Names = ["consent_events", "consent_records"];
}
