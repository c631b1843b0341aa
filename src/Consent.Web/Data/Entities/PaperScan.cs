namespace Consent.Web.Data.Entities;

/// <summary>
/// A scanned wet-ink consent form a clinician uploaded (UseCases/Clinician/PaperConsents.cs): stored once, never changed,
/// and named on the session's chain by its SHA-256 (<c>PaperConsentRecorded</c>), which the record checks before it wraps it.
/// </summary>
public sealed class PaperScan
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    /// <summary>application/pdf, image/jpeg or image/png, as its first bytes showed.</summary>
    public string ContentType { get; set; } = "";

    public byte[] Content { get; set; } = [];

    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>.</summary>
    public string Sha256 { get; set; } = "";

    public int Pages { get; set; }

    public Guid UploadedBy { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
}
