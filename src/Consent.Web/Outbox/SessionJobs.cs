using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Outbox;

/// <summary>Which background jobs a session's new events call for; enqueued in the same transaction.</summary>
public static class SessionJobs
{
    public static int Enqueue(ConsentDbContext db, ConsentSession session, IReadOnlyList<ConsentEvent> events, SessionState state, DateTimeOffset now)
    {
        var count = 0;
        foreach (var e in events)
        {
            if (e.Type is EventTypes.SessionCreated or EventTypes.LinkReissued)
            {
                OutboxSignal.Enqueue(db, OutboxKinds.ExpireSession, session.Id, null, now, state.ExpiresAt.AddSeconds(1));
                count++;
            }
        }

        if (!string.IsNullOrEmpty(session.PatientEmail))
        {
            // The patient's copy of each record, by mail.
            foreach (var e in events.Where(e => e.Type == EventTypes.RecordIssued))
            {
                if (JsonNode.Parse(e.Payload) is JsonObject payload && RecordIssuedPayload.From(payload).Kind is { Length: > 0 } issuedKind)
                {
                    OutboxSignal.Enqueue(db, OutboxKinds.SendMail, session.Id, Mail.PatientMail.RecordCopyJob(issuedKind), now);
                    count++;
                }
            }
        }

        var endedNow = events.Any(e => SignedRecords.RecordEndings.IsEndingEvent(e.Type));
        if (endedNow && SignedRecords.RecordEndings.ForStatus(state.Status) is { } ending)
        {
            OutboxSignal.Enqueue(db, OutboxKinds.IssueRecord, session.Id, new JsonObject { ["kind"] = ending.Kind.ToString() }, now);
            count++;
        }

        return count;
    }
}
