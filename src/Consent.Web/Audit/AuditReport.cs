namespace Consent.Web.Audit;

/// <summary>
/// The result of checking every session's event chain and every stored record, and the system audit trail's chain
/// (<see cref="SystemChain"/>; null when the report did not check it).
/// </summary>
public sealed record AuditReport(
    DateTimeOffset CheckedAt,
    int SessionsChecked,
    int EventsChecked,
    int RecordsChecked,
    IReadOnlyList<AuditFinding> Findings,
    SystemEvents.SystemChainCheck? SystemChain = null)
{
    public bool Clean => Findings.Count == 0 && SystemChain?.Verified != false;

    /// <summary>How many problems: the findings, and the system chain when it does not verify.</summary>
    public int ProblemCount => Findings.Count + (SystemChain?.Verified == false ? 1 : 0);
}

/// <summary>One problem found: which session (and record), and what is wrong.</summary>
public sealed record AuditFinding(Guid SessionId, string What, long? BrokenAtSeq = null, Guid? RecordId = null);
