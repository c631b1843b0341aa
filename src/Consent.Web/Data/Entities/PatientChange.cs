namespace Consent.Web.Data.Entities;

/// <summary>
/// One correction of a patient's details: who, when, why, and each field's value before and after.
/// Append-only (<see cref="AppendOnlyTables"/>): the history of a patient's identity cannot be rewritten
/// by the service.
/// </summary>
public sealed class PatientChange
{
    public long Id { get; set; }

    public Guid PatientId { get; set; }

    public DateTimeOffset ChangedAt { get; set; }

    public Guid ChangedBy { get; set; }

    /// <summary>Why, in the staff member's words.</summary>
    public string Reason { get; set; } = "";

    /// <summary>JSON object: each changed field's name mapped to <c>{"from": ..., "to": ...}</c>.</summary>
    public string Changes { get; set; } = "";
}
