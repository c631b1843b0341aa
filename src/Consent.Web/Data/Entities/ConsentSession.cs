namespace Consent.Web.Data.Entities;

/// <summary>One patient's consent process for one workflow version, pinned to that version forever.</summary>
public sealed class ConsentSession
{
    public Guid Id { get; set; }

    public string WorkflowId { get; set; } = "";

    public int WorkflowVersion { get; set; }

    public string WorkflowHash { get; set; } = "";

    public string Language { get; set; } = "";

    /// <summary>The patient the session belongs to (<see cref="Patient"/>); the columns below are the details it was started with.</summary>
    public Guid PatientId { get; set; }

    public string Status { get; set; } = "";

    public string PatientName { get; set; } = "";

    public DateOnly PatientDateOfBirth { get; set; }

    public string? PatientMrn { get; set; }

    public string? PatientEmail { get; set; }

    /// <summary>SHA-256 of the patient link token; the token itself is never stored.</summary>
    public string LinkTokenHash { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public long LastSeq { get; set; }

    public string LastHash { get; set; } = "";

    /// <summary>PostgreSQL xmin, for optimistic concurrency between nodes.</summary>
    public uint RowVersion { get; set; }
}
