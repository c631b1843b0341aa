namespace Consent.Web.UseCases.Sessions;

/// <summary>
/// Start a session: which workflow, in which language, for whom: a registered patient (<paramref name="PatientId"/>)
/// or the patient's details (<paramref name="Patient"/>), found by MRN and date of birth or registered. Who signs besides
/// (or instead of) the patient: a legally authorized <paramref name="Representative"/> (the patient then signs only an
/// <paramref name="Assent"/>, when asked for), an impartial <paramref name="Witness"/>, an <paramref name="Interpreter"/>.
/// </summary>
public sealed record StartSession(string? WorkflowId, int? WorkflowVersion, string? Language, PatientInput? Patient, Guid? PatientId = null,
    RepresentativeInput? Representative = null, WitnessInput? Witness = null, InterpreterInput? Interpreter = null, bool? Assent = null);

/// <summary>The patient as the clinician enters them.</summary>
public sealed record PatientInput(string? Name, string? DateOfBirth, string? Mrn, string? Email);

/// <summary>
/// A legally authorized representative: name, relationship to the patient, the basis of their authority (health-care power
/// of attorney, court-appointed guardian, surrogate under state law: free text), their email, and how the clinician
/// checked who they are.
/// </summary>
public sealed record RepresentativeInput(string? Name, string? Relationship, string? Authority, string? Email = null, string? IdentityCheck = null);

/// <summary>An impartial witness, present for the whole session on the clinic's device.</summary>
public sealed record WitnessInput(string? Name);

/// <summary>An interpreter: name, language, qualification or ID, and mode (<c>in-person</c>, <c>phone</c>, <c>video</c>).</summary>
public sealed record InterpreterInput(string? Name, string? Language, string? Qualification, string? Mode);

/// <summary>The new session and the link to give the patient (or their representative).</summary>
public sealed record StartedSession(Guid Id, string Status, string PatientUrl, DateTimeOffset ExpiresAt);
