using Consent.Web.Data.Entities;
using Consent.Workflows;
using Microsoft.Extensions.Caching.Memory;

namespace Consent.Web.Sessions;

/// <summary>
/// Replayed session states, so a submission does not re-read and replay the whole event log
/// (docs/PERFORMANCE.md, P4). An entry is used only when it was built from exactly the events the
/// session row names now: the same workflow version, the same last sequence number and the same
/// last hash. Any write by another node moves the row on, and the state is replayed from the
/// database again.
/// </summary>
/// <remarks>
/// <para>
/// After a write the entry also keeps a copy of the session row as it was committed, with its
/// <c>xmin</c>, so the next write to the session can be sent in one round trip
/// (<see cref="FindWritable"/>, docs/PERFORMANCE.md, "One round trip per submission"). That copy is a guess, never the
/// truth: the write it feeds succeeds only where the row in the database still has the same
/// <c>last_seq</c>, <c>last_hash</c> and <c>xmin</c>, so a write by another node (which moves all
/// three) or any other change to the row (which moves <c>xmin</c>) sends that write back to the
/// locking path, and the stale copy is dropped.
/// </para>
/// Session states are immutable records, so one cached instance is safely shared. The cache is
/// bounded by the number of events its states were built from (a state holds about 0.3-0.4 KiB
/// per event: `Consent.Benchmarks state-size`); states idle for 30 minutes are dropped.
/// </remarks>
public sealed class SessionStateCache : IDisposable
{
    /// <summary>The default bound, in events: about 90 MiB of states at most.</summary>
    public const long DefaultEvents = 250_000;

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    private readonly MemoryCache cache;

    public SessionStateCache(Microsoft.Extensions.Options.IOptions<Settings.ConsentSessionOptions> options)
        : this(options.Value.StateCacheEvents)
    {
    }

    /// <param name="events">At most this many events' worth of states are kept; 0 turns the cache off.</param>
    public SessionStateCache(long events)
    {
        Capacity = Math.Max(0, events);
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, Capacity), CompactionPercentage = 0.2 });
    }

    /// <summary>The bound, in events.</summary>
    public long Capacity { get; }

    public SessionState? Find(LoadedWorkflow workflow, Guid sessionId, long lastSeq, string lastHash) =>
        cache.TryGetValue(sessionId, out Entry? entry)
            && entry!.LastSeq == lastSeq
            && ReferenceEquals(entry.Workflow, workflow)
            && string.Equals(entry.LastHash, lastHash, StringComparison.Ordinal)
                ? entry.State
                : null;

    /// <summary>
    /// The workflow, a copy of the session row as this node last committed it, and its state: what a
    /// write needs to be decided without reading the row first. Null unless the last thing this node
    /// learnt of the session was its own committed write.
    /// </summary>
    public Writable? FindWritable(Guid sessionId) =>
        cache.TryGetValue(sessionId, out Entry? entry) && entry!.Row is { } row && row.LastSeq == entry.LastSeq
            && string.Equals(row.LastHash, entry.LastHash, StringComparison.Ordinal)
                ? new Writable(entry.Workflow, Copy(row), entry.State)
                : null;

    /// <summary>Remembers the state built from a session's events up to <paramref name="lastSeq"/>, whose hash is <paramref name="lastHash"/>.</summary>
    /// <param name="committedRow">The session row just committed by this node (its <c>RowVersion</c> the row's new <c>xmin</c>); a copy is kept.</param>
    /// <remarks>When the bound is reached the state is not kept, and the least recently used fifth is dropped in the background.</remarks>
    public void Remember(LoadedWorkflow workflow, Guid sessionId, long lastSeq, string lastHash, SessionState state, ConsentSession? committedRow = null)
    {
        if (Capacity == 0)
        {
            return;
        }

        cache.Set(sessionId, new Entry(workflow, lastSeq, lastHash, state, committedRow is null ? null : Copy(committedRow)),
            new MemoryCacheEntryOptions { Size = Math.Max(1, lastSeq), SlidingExpiration = Idle });
    }

    /// <summary>Drops what is known of a session (its row moved on under another writer).</summary>
    public void Forget(Guid sessionId) => cache.Remove(sessionId);

    public void Dispose() => cache.Dispose();

    private static ConsentSession Copy(ConsentSession row) => new()
    {
        Id = row.Id,
        WorkflowId = row.WorkflowId,
        WorkflowVersion = row.WorkflowVersion,
        WorkflowHash = row.WorkflowHash,
        Language = row.Language,
        PatientId = row.PatientId,
        Status = row.Status,
        PatientName = row.PatientName,
        PatientDateOfBirth = row.PatientDateOfBirth,
        PatientMrn = row.PatientMrn,
        PatientEmail = row.PatientEmail,
        LinkTokenHash = row.LinkTokenHash,
        ExpiresAt = row.ExpiresAt,
        CreatedBy = row.CreatedBy,
        CreatedAt = row.CreatedAt,
        UpdatedAt = row.UpdatedAt,
        CompletedAt = row.CompletedAt,
        LastSeq = row.LastSeq,
        LastHash = row.LastHash,
        RowVersion = row.RowVersion,
    };

    private sealed record Entry(LoadedWorkflow Workflow, long LastSeq, string LastHash, SessionState State, ConsentSession? Row);

    /// <summary>What <see cref="FindWritable"/> gives: the row is the caller's own copy.</summary>
    public sealed record Writable(LoadedWorkflow Workflow, ConsentSession Row, SessionState State);
}
