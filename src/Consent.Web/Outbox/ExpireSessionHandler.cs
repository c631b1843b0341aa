using Consent.Web.Sessions;
using Consent.Workflows;

namespace Consent.Web.Outbox;

/// <summary>At the link's expiry, ends a session the patient did not finish (the interpreter decides if it still applies).</summary>
public sealed class ExpireSessionHandler : IOutboxHandler
{
    public string Kind => OutboxKinds.ExpireSession;

    public async Task HandleAsync(Data.Entities.OutboxJob job, IServiceProvider services, CancellationToken ct)
    {
        if (job.SessionId is not { } sessionId)
        {
            return;
        }

        var writer = services.GetRequiredService<SessionWriter>();
        // A refusal (finished already, link reissued with a later expiry) means there is nothing to do.
        await writer.ApplyAsync(new SessionWriteRequest(sessionId, Actor.Service, _ => new Expire()), ct);
    }
}
