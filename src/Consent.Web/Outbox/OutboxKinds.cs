namespace Consent.Web.Outbox;

/// <summary>The kinds of background job the outbox carries.</summary>
public static class OutboxKinds
{
    /// <summary>Render, sign and store the record of a session that reached an end (payload: kind).</summary>
    public const string IssueRecord = "issue-record";

    /// <summary>Expire a session whose link ran out before the patient finished.</summary>
    public const string ExpireSession = "expire-session";

    /// <summary>Email the patient (payload: what to send).</summary>
    public const string SendMail = "send-mail";

    /// <summary>Email a staff member about their own account (payload: what, account, and a link or when).</summary>
    public const string SendStaffMail = "send-staff-mail";
}

/// <summary>Does one kind of outbox job. Must be idempotent: a job may run again after a crash or lease expiry.</summary>
public interface IOutboxHandler
{
    string Kind { get; }

    Task HandleAsync(Data.Entities.OutboxJob job, IServiceProvider services, CancellationToken ct);
}
