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
/// <remarks>Session states are immutable records, so one cached instance is safely shared.</remarks>
public sealed class SessionStateCache : IDisposable
{
    /// <summary>How many sessions are remembered; the least recently used go first.</summary>
    public const int Capacity = 20_000;

    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = Capacity, CompactionPercentage = 0.2 });

    public SessionState? Find(LoadedWorkflow workflow, Guid sessionId, long lastSeq, string lastHash) =>
        cache.TryGetValue(sessionId, out Entry? entry)
            && entry!.LastSeq == lastSeq
            && ReferenceEquals(entry.Workflow, workflow)
            && string.Equals(entry.LastHash, lastHash, StringComparison.Ordinal)
                ? entry.State
                : null;

    /// <summary>Remembers the state built from a session's events up to <paramref name="lastSeq"/>, whose hash is <paramref name="lastHash"/>.</summary>
    public void Remember(LoadedWorkflow workflow, Guid sessionId, long lastSeq, string lastHash, SessionState state) =>
        cache.Set(sessionId, new Entry(workflow, lastSeq, lastHash, state), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Idle });

    public void Dispose() => cache.Dispose();

    private sealed record Entry(LoadedWorkflow Workflow, long LastSeq, string LastHash, SessionState State);
}
