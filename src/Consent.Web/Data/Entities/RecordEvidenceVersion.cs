namespace Consent.Web.Data.Entities;

/// <summary>
/// One version of a stored record's long-term evidence (SignedRecords/RecordEvidenceJob.cs). Version 0 is the record as
/// issued (no bytes added); each later version appends an incremental update (validation data, a document time-stamp)
/// to the one before, so the file of version n is the issued PDF followed by the <see cref="Appended"/> bytes of
/// versions 1..n, and the issued bytes never change. Append-only, as the records are.
/// </summary>
public sealed class RecordEvidenceVersion
{
    public Guid Id { get; set; }

    public Guid RecordId { get; set; }

    public Guid SessionId { get; set; }

    public string Kind { get; set; } = "";

    public int Version { get; set; }

    /// <summary>The bytes this version appends to the previous one (empty for version 0).</summary>
    public byte[] Appended { get; set; } = [];

    /// <summary>SHA-256 of the whole file of this version.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>The PAdES level the file reaches: B-B, B-T, B-LT or B-LTA.</summary>
    public string Level { get; set; } = "";

    /// <summary>What this version added, in words.</summary>
    public string Added { get; set; } = "";

    /// <summary>When the TSA certificate of the file's last time-stamp expires: the archive time-stamp is renewed before then.</summary>
    public DateTimeOffset? TimestampExpiresAt { get; set; }

    /// <summary>The digest algorithm (OID or name) of the file's last time-stamp: one deprecated since gets the record re-stamped.</summary>
    public string? TimestampDigest { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The service's signature, with its record-signing key, over (record, version, SHA-256, level): the database role
    /// can insert rows, but only the service can make one it will serve or vouch for (RecordEvidenceSeals).
    /// </summary>
    public byte[] Seal { get; set; } = [];
}
