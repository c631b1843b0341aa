namespace Consent.Web.Data.Entities;

/// <summary>
/// An anchored checkpoint of the event chains (Checkpoints/, docs/checkpoints.md): a Merkle tree over the heads of the
/// sessions changed since the checkpoint before it and the system trail's head, linked to that checkpoint's root and
/// timestamped by an RFC 3161 time-stamping authority. Stored once, never changed (append-only).
/// </summary>
public sealed class ChainCheckpoint
{
    /// <summary>1, 2, 3 … without gaps: checkpoint n links to checkpoint n − 1.</summary>
    public long Id { get; set; }

    /// <summary>When the service made it (UTC, microseconds); hashed into <see cref="Root"/>.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The root of checkpoint <see cref="Id"/> − 1, or 64 zeros for the first.</summary>
    public string PreviousRoot { get; set; } = "";

    /// <summary>The RFC 6962 Merkle tree hash over the leaves (lower-case hex).</summary>
    public string TreeRoot { get; set; } = "";

    /// <summary>SHA-256 of the canonical body (id, created at, leaf count, previous root, tree root): what the TSA stamped.</summary>
    public string Root { get; set; } = "";

    /// <summary>How many leaves the tree has: the sessions' and the system trail's one.</summary>
    public int LeafCount { get; set; }

    /// <summary>The system audit trail's head when the checkpoint was made (0 and 64 zeros when it was empty).</summary>
    public long SystemSeq { get; set; }

    public string SystemHash { get; set; } = "";

    /// <summary>The DER-encoded RFC 3161 TimeStampToken over <see cref="Root"/>.</summary>
    public byte[] TimestampToken { get; set; } = [];

    /// <summary>The token's genTime: when the TSA says the root existed.</summary>
    public DateTimeOffset TimestampedAt { get; set; }

    /// <summary>The subject of the TSA certificate that signed the token.</summary>
    public string TimestampAuthority { get; set; } = "";
}

/// <summary>One session's head in a checkpoint: its last event's number and hash when the checkpoint was made.</summary>
public sealed class ChainCheckpointLeaf
{
    public long CheckpointId { get; set; }

    public Guid SessionId { get; set; }

    public long LastSeq { get; set; }

    public string LastHash { get; set; } = "";
}
