namespace Consent.Web.Data.Entities;

/// <summary>
/// A person the clinic treats: the details staff know them by today. Each session keeps its own copy of
/// the details it was started with (sealed into its chain), so correcting a patient here never changes a
/// signed record; every correction is kept in <see cref="PatientChange"/>.
/// </summary>
public sealed class Patient
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The name folded for search (no capitals, accents or apostrophe variants), kept by PostgreSQL (a stored generated column).</summary>
    public string NameFolded { get; private set; } = "";

    public DateOnly DateOfBirth { get; set; }

    /// <summary>The clinic's medical record number; unique when present.</summary>
    public string? Mrn { get; set; }

    public string? Email { get; set; }

    /// <summary>The language the patient prefers to read in (a workflow language code), when known.</summary>
    public string? PreferredLanguage { get; set; }

    /// <summary>The staff member who registered the patient (for patients made by the migration: who started their first session).</summary>
    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>PostgreSQL xmin: two corrections of one patient at once cannot both apply (the later is a 409).</summary>
    public uint RowVersion { get; set; }
}
