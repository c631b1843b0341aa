using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;

namespace Consent.Web.Outbox;

/// <summary>Adds jobs to the outbox in the caller's transaction, and wakes this node's worker.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0);

    public static void Enqueue(ConsentDbContext db, string kind, Guid? sessionId, JsonObject? payload, DateTimeOffset now, DateTimeOffset? notBefore = null) =>
        db.OutboxJobs.Add(new OutboxJob
        {
            Kind = kind,
            SessionId = sessionId,
            Payload = (payload ?? []).ToJsonString(),
            CreatedAt = now,
            NotBefore = notBefore ?? now,
        });

    /// <summary>Tells the worker there may be work now (after the enqueuing transaction committed).</summary>
    public void Wake()
    {
        if (signal.CurrentCount == 0)
        {
            signal.Release();
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);

    public void Dispose() => signal.Dispose();
}
