using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Outbox;

/// <summary>Which background jobs a session's new events call for; enqueued in the same transaction.</summary>
public static class SessionJobs
{
    /// <summary>The signed record a session gets when it ends this way; none for voided or expired sessions.</summary>
    public static string? RecordKindFor(SessionStatus status) => status switch
    {
        SessionStatus.Completed => "Consent",
        SessionStatus.Declined => "DeclinedSummary",
        SessionStatus.Referred => "ReferredSummary",
        SessionStatus.Withdrawn => "Withdrawal",
        SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign
            or SessionStatus.Expired or SessionStatus.Voided => null,
    };

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
                if (JsonNode.Parse(e.Payload)?["kind"]?.GetValue<string>() is { } issuedKind)
                {
                    OutboxSignal.Enqueue(db, OutboxKinds.SendMail, session.Id, Mail.PatientMail.RecordCopyJob(issuedKind), now);
                    count++;
                }
            }
        }

        var endedNow = events.Any(e => e.Type is EventTypes.ClinicianCountersigned or EventTypes.Declined or EventTypes.StopReached or EventTypes.Withdrawn);
        if (endedNow && RecordKindFor(state.Status) is { } kind)
        {
            OutboxSignal.Enqueue(db, OutboxKinds.IssueRecord, session.Id, new JsonObject { ["kind"] = kind }, now);
            count++;
        }

        return count;
    }
}
