using Hl7.Fhir.Model;

namespace Consent.Records.Fhir;

/// <summary>The Provenance of the Consent: who took part, and each signature typed as a consent signature (ASTM E1762).</summary>
static class FhirSignatures
{
    const string SignatureTypeSystem = "urn:iso-astm:E1762-95:2013";
    const string ConsentSignature = "1.2.840.10065.1.12.1.7";
    const string ParticipantTypes = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    public static Provenance Provenance(ConsentRecord record, FhirReferences ids, IReadOnlyList<(string Url, Practitioner Practitioner)> clinicians)
    {
        var provenance = new Provenance
        {
            Target = [new ResourceReference(ids.Consent), new ResourceReference(ids.Answers)],
            Recorded = record.IssuedAt,
            Agent =
            [
                Agent("author", "Author", ids.Patient),
                Agent("custodian", "Custodian", ids.Organization),
                .. clinicians.Select(c => Agent("attester", "Attester", c.Url)),
            ],
        };
        foreach (var signature in record.Signatures)
        {
            var who = signature.Role switch
            {
                SignerRole.Patient => ids.Patient,
                SignerRole.Clinician => ids.Clinician(signature.PrintedName),
            };
            provenance.Signature.Add(new Signature
            {
                Type = [new Coding(SignatureTypeSystem, ConsentSignature, "Consent Signature")],
                When = signature.SignedAt,
                Who = new ResourceReference(who) { Display = signature.PrintedName },
                TargetFormat = "application/pdf",
            });
        }

        return provenance;
    }

    static Provenance.AgentComponent Agent(string code, string display, string who) => new()
    {
        Type = new CodeableConcept(ParticipantTypes, code, display),
        Who = new ResourceReference(who),
    };
}
