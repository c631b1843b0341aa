namespace Consent.Web.Data.Entities;

/// <summary>One append-only, hash-chained entry in a session's audit trail.</summary>
public sealed class ConsentEvent
{
    public long Id { get; set; }

    public Guid SessionId { get; set; }

    public long Seq { get; set; }

    public string Type { get; set; } = "";

    public string? StepId { get; set; }

    public string Payload { get; set; } = "{}";

    public string? ContentHash { get; set; }

    public string Actor { get; set; } = "";

    public string? Ip { get; set; }

    public string? UserAgent { get; set; }

    public DateTimeOffset At { get; set; }

    public string PrevHash { get; set; } = "";

    public string Hash { get; set; } = "";

    /// <summary>Which key sealed the event (<see cref="Sessions.EventSeals"/>); null only on a row not written by the service.</summary>
    public string? SealKey { get; set; }

    /// <summary>HMAC-SHA256 of <see cref="Hash"/> under a key kept outside the database, lower-case hex.</summary>
    public string? Seal { get; set; }
}
