namespace Consent.Web.UseCases.Sessions;

/// <summary>
/// Start a session: which workflow, in which language, for whom: a registered patient (<paramref name="PatientId"/>)
/// or the patient's details (<paramref name="Patient"/>), found by MRN and date of birth or registered.
/// </summary>
public sealed record StartSession(string? WorkflowId, int? WorkflowVersion, string? Language, PatientInput? Patient, Guid? PatientId = null);

/// <summary>The patient as the clinician enters them.</summary>
public sealed record PatientInput(string? Name, string? DateOfBirth, string? Mrn, string? Email);

/// <summary>The new session and the link to give the patient.</summary>
public sealed record StartedSession(Guid Id, string Status, string PatientUrl, DateTimeOffset ExpiresAt);
