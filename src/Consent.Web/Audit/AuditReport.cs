namespace Consent.Web.Audit;

/// <summary>
/// The result of checking every session's event chain and every stored record, and the system audit trail's chain
/// (<see cref="SystemChain"/>; null when the report did not check it), and the anchored chain checkpoints
/// (<see cref="Checkpoints"/>; null when the report did not check them): each checkpoint's own problems are there, a
/// session that disagrees with a checkpoint covering it is a finding naming the checkpoint and when it was anchored.
/// </summary>
public sealed record AuditReport(
    DateTimeOffset CheckedAt,
    int SessionsChecked,
    int EventsChecked,
    int RecordsChecked,
    IReadOnlyList<AuditFinding> Findings,
    SystemEvents.SystemChainCheck? SystemChain = null,
    Checkpoints.CheckpointChainCheck? Checkpoints = null)
{
    /// <summary>Full, or incremental (then <see cref="SessionsUnchanged"/> sessions were not read: unchanged since their verified point).</summary>
    public AuditMode Mode { get; init; } = AuditMode.Full;

    public int SessionsUnchanged { get; init; }

    /// <summary>The sweep slice an incremental run also read in full (<see cref="AuditService.InSweep"/>).</summary>
    public int SweepSlice { get; init; }

    public bool Clean => Findings.Count == 0 && SystemChain?.Verified != false && Checkpoints?.Verified != false;

    /// <summary>How many problems: the findings, the system chain when it does not verify, and each checkpoint problem.</summary>
    public int ProblemCount => Findings.Count + (SystemChain?.Verified == false ? 1 : 0) + (Checkpoints?.Problems.Count ?? 0);
}

/// <summary>
/// One problem found: which session (and record), and what is wrong; for a disagreement with an anchored checkpoint,
/// which checkpoint and when its TSA says it was anchored.
/// </summary>
public sealed record AuditFinding(Guid SessionId, string What, long? BrokenAtSeq = null, Guid? RecordId = null, long? CheckpointId = null, DateTimeOffset? AnchoredAt = null);
