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

    /// <summary>Remembers the state built from a session's events up to <paramref name="lastSeq"/>, whose hash is <paramref name="lastHash"/>.</summary>
    /// <remarks>When the bound is reached the state is not kept, and the least recently used fifth is dropped in the background.</remarks>
    public void Remember(LoadedWorkflow workflow, Guid sessionId, long lastSeq, string lastHash, SessionState state)
    {
        if (Capacity == 0)
        {
            return;
        }

        cache.Set(sessionId, new Entry(workflow, lastSeq, lastHash, state),
            new MemoryCacheEntryOptions { Size = Math.Max(1, lastSeq), SlidingExpiration = Idle });
    }

    public void Dispose() => cache.Dispose();

    private sealed record Entry(LoadedWorkflow Workflow, long LastSeq, string LastHash, SessionState State);
}
