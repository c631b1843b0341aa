namespace Consent.Web.Audit;

/// <summary>The result of checking every session's event chain and every stored record.</summary>
public sealed record AuditReport(
    DateTimeOffset CheckedAt,
    int SessionsChecked,
    int EventsChecked,
    int RecordsChecked,
    IReadOnlyList<AuditFinding> Findings)
{
    public bool Clean => Findings.Count == 0;
}

/// <summary>One problem found: which session (and record), and what is wrong.</summary>
public sealed record AuditFinding(Guid SessionId, string What, long? BrokenAtSeq = null, Guid? RecordId = null);
