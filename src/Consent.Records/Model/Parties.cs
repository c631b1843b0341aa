namespace Consent.Records;

/// <summary>The clinic named at the top of the record.</summary>
/// <param name="Name">The clinic's name.</param>
/// <param name="AddressLines">Postal address, one line each.</param>
/// <param name="Phone">The phone number patients call.</param>
public sealed record ClinicDetails(string Name, IReadOnlyList<string> AddressLines, string? Phone = null)
{
    /// <summary>An optional logo (PNG or JPEG) shown in the title block.</summary>
    public byte[]? Logo { get; init; }
}

/// <summary>The patient as entered by the clinician.</summary>
/// <param name="Name">Full name.</param>
/// <param name="DateOfBirth">Date of birth.</param>
/// <param name="MedicalRecordNumber">The clinic's medical record number, when known.</param>
public sealed record PatientDetails(string Name, DateOnly DateOfBirth, string? MedicalRecordNumber = null);

/// <summary>The exact workflow version a session ran on.</summary>
/// <param name="Id">Workflow id, e.g. <c>ketamine-iv-depression</c>.</param>
/// <param name="Version">Published version number.</param>
/// <param name="Title">Title in the session language.</param>
/// <param name="Language">Session language (BCP 47, e.g. <c>en</c>, <c>es</c>).</param>
/// <param name="Hash">SHA-256 (hex) of the normalized definition and its template texts.</param>
public sealed record WorkflowReference(string Id, int Version, string Title, string Language, string Hash);

/// <summary>
/// An ethics reviewer's signed approval of the workflow version the session ran on (21 CFR 11.50): printed as
/// "<see cref="Meaning"/> by <see cref="SignerName"/>, <see cref="SignedAt"/>" in the record's time zone, with its offset.
/// </summary>
/// <param name="Meaning">The signature's meaning in the record's language, e.g. "Approved for use with patients".</param>
/// <param name="SignerName">The reviewer's printed name at signing.</param>
/// <param name="SignedAt">When the reviewer signed.</param>
public sealed record WorkflowApproval(string Meaning, string SignerName, DateTimeOffset SignedAt);
