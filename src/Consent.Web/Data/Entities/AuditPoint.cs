namespace Consent.Web.Data.Entities;

/// <summary>
/// What an audit found of a session's head: its chain up to <see cref="LastSeq"/>, ending in <see cref="LastHash"/>,
/// verified or not (<see cref="Verified"/>) at <see cref="VerifiedAt"/>. The incremental audit (Audit/AuditService.cs,
/// docs/event-log.md, "The incremental audit") reads again only the sessions whose head is no longer that of their
/// latest point, or whose latest point did not verify, and checks that the chain still has, at the latest verified
/// point's sequence number, its hash. Sealed like an event (<see cref="Seal"/>, HMAC-SHA256 under a key derived from
/// the key-encryption certificate), so a point written by anyone who can only write the database is reported, not trusted.
/// </summary>
public sealed class AuditPoint
{
    public long Id { get; set; }

    public Guid SessionId { get; set; }

    public long LastSeq { get; set; }

    public string LastHash { get; set; } = "";

    public bool Verified { get; set; }

    public DateTimeOffset VerifiedAt { get; set; }

    public string SealKey { get; set; } = "";

    public string Seal { get; set; } = "";
}
