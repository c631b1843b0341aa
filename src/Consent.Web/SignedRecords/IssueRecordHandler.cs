using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Outbox;

namespace Consent.Web.SignedRecords;

/// <summary>The outbox job <c>issue-record</c> (payload <c>{kind}</c>): issues the session's signed record of that kind.</summary>
public sealed class IssueRecordHandler : IOutboxHandler
{
    public string Kind => OutboxKinds.IssueRecord;

    public async Task HandleAsync(OutboxJob job, IServiceProvider services, CancellationToken ct)
    {
        if (job.SessionId is not { } sessionId)
        {
            return;
        }

        var name = JsonNode.Parse(job.Payload)?["kind"]?.GetValue<string>();
        if (!RecordFiles.TryParseKind(name, out var kind))
        {
            throw new InvalidOperationException($"issue-record job {job.Id} names no known record kind ('{name}').");
        }

        await services.GetRequiredService<RecordIssuer>().IssueAsync(sessionId, kind, ct);
    }
}
