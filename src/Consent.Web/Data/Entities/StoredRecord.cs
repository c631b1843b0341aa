namespace Consent.Web.Data.Entities;

/// <summary>A signed PDF record issued for a session, with the SHA-256 of its exact bytes.</summary>
public sealed class StoredRecord
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    public string Kind { get; set; } = "";

    public byte[] Pdf { get; set; } = [];

    public string Sha256 { get; set; } = "";

    public DateTimeOffset IssuedAt { get; set; }
}
