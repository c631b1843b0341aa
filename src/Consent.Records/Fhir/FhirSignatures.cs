using Hl7.Fhir.Model;

namespace Consent.Records.Fhir;

/// <summary>
/// The Provenance of the Consent: who took part, and each signature typed by its purpose with the ASTM E1762 codes of R4's
/// SignatureTypeCodes (http://hl7.org/fhir/R4/valueset-signature-type.html, system <c>urn:iso-astm:E1762-95:2013</c>):
/// 1.2.840.10065.1.12.1.7 Consent Signature (the patient, or the representative who consented for them, and the patient's
/// assent), 1.2.840.10065.1.12.1.11 Consent Witness Signature, 1.2.840.10065.1.12.1.12 Interpreter Signature, and
/// 1.2.840.10065.1.12.1.5 Verification Signature (the clinician who obtained the consent and countersigned it).
/// </summary>
static class FhirSignatures
{
    const string SignatureTypeSystem = "urn:iso-astm:E1762-95:2013";
    const string ParticipantTypes = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    public static (string Code, string Display) TypeOf(SignerRole role) => role switch
    {
        SignerRole.Patient or SignerRole.Representative => ("1.2.840.10065.1.12.1.7", "Consent Signature"),
        SignerRole.Witness => ("1.2.840.10065.1.12.1.11", "Consent Witness Signature"),
        SignerRole.Interpreter => ("1.2.840.10065.1.12.1.12", "Interpreter Signature"),
        SignerRole.Clinician => ("1.2.840.10065.1.12.1.5", "Verification Signature"),
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

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
                .. record.Signatures.Where(s => s.Role is SignerRole.Representative).Select(_ => Agent("legal", "Legal Authenticator", ids.Related(SignerRole.Representative))),
                .. record.Signatures.Where(s => s.Role is SignerRole.Witness).Select(_ => Agent("attester", "Attester", ids.Related(SignerRole.Witness))),
                .. record.Signatures.Where(s => s.Role is SignerRole.Interpreter).Select(_ => Agent("performer", "Performer", ids.Related(SignerRole.Interpreter))),
            ],
        };
        foreach (var signature in record.Signatures)
        {
            var who = signature.Role switch
            {
                SignerRole.Patient => ids.Patient,
                SignerRole.Clinician => ids.Clinician(signature.PrintedName),
                _ => ids.Related(signature.Role),
            };
            var (code, display) = TypeOf(signature.Role);
            provenance.Signature.Add(new Signature
            {
                Type = [new Coding(SignatureTypeSystem, code, display)],
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
