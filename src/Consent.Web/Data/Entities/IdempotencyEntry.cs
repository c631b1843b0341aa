namespace Consent.Web.Data.Entities;

/// <summary>The remembered answer to one submission, so a retry or double tap records once.</summary>
public sealed class IdempotencyEntry
{
    public Guid SessionId { get; set; }

    public string Key { get; set; } = "";

    public string RequestHash { get; set; } = "";

    public int StatusCode { get; set; }

    public string ResponseBody { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
