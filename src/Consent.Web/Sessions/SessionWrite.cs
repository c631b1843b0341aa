using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>A write to a session that was accepted: applied now, or answered again for a repeated Idempotency-Key.</summary>
public abstract record SessionWrite
{
    private SessionWrite()
    {
    }

    /// <summary>The events were appended in one transaction; <paramref name="Body"/> is the answer to give.</summary>
    public sealed record Applied(ConsentSession Session, SessionState State, IReadOnlyList<ConsentEvent> Events, JsonObject Body) : SessionWrite;

    /// <summary>The same request came again with its Idempotency-Key: the first answer, exactly as sent then; nothing recorded.</summary>
    public sealed record Replayed(int StatusCode, string Body) : SessionWrite;
}
