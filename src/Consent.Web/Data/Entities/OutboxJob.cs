namespace Consent.Web.Data.Entities;

/// <summary>Background work (render a record, send mail, expire a link) claimed by one node at a time.</summary>
public sealed class OutboxJob
{
    public long Id { get; set; }

    public string Kind { get; set; } = "";

    public Guid? SessionId { get; set; }

    public string Payload { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public string? LeasedBy { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? LastError { get; set; }
}
