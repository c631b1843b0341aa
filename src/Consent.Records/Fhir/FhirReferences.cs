namespace Consent.Records.Fhir;

/// <summary>The fullUrl of every resource in a session's bundle.</summary>
sealed class FhirReferences(Guid session)
{
    public string Consent { get; } = FhirIds.Urn(session, "Consent");

    public string Answers { get; } = FhirIds.Urn(session, "QuestionnaireResponse");

    public string Provenance { get; } = FhirIds.Urn(session, "Provenance");

    public string Patient { get; } = FhirIds.Urn(session, "Patient");

    public string Organization { get; } = FhirIds.Urn(session, "Organization");

    public string Clinician(string name) => FhirIds.Urn(session, "Practitioner/" + name);

    /// <summary>A representative, witness or interpreter of the session, as a RelatedPerson (one of each at most).</summary>
    public string Related(SignerRole role) => FhirIds.Urn(session, "RelatedPerson/" + role);
}
