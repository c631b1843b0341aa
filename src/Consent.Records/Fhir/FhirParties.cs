using Hl7.Fhir.Model;

namespace Consent.Records.Fhir;

/// <summary>The Patient, the clinic as Organization, and each countersigning clinician as Practitioner.</summary>
static class FhirParties
{
    public static Patient Patient(ConsentRecord record, FhirBundleOptions options)
    {
        var patient = new Patient
        {
            Name = [new HumanName { Text = record.Patient.Name, Use = HumanName.NameUse.Official }],
            BirthDate = RecordTime.Format(record.Patient.DateOfBirth),
        };
        if (record.Patient.MedicalRecordNumber is { Length: > 0 } mrn)
        {
            patient.Identifier.Add(new Identifier(options.MedicalRecordNumberSystem, mrn)
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"),
                Use = Identifier.IdentifierUse.Usual,
            });
        }

        return patient;
    }

    public static Organization Organization(ConsentRecord record)
    {
        var clinic = record.Clinic;
        var organization = new Organization
        {
            Name = clinic.Name,
            Active = true,
        };
        if (clinic.AddressLines.Count > 0)
        {
            organization.Address.Add(new Address { Text = string.Join(", ", clinic.AddressLines), Line = clinic.AddressLines });
        }

        if (clinic.Phone is { Length: > 0 } phone)
        {
            organization.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, phone));
        }

        return organization;
    }

    /// <summary>
    /// Each signer other than the patient and the clinician as a RelatedPerson of the patient: the legally authorized
    /// representative (their relationship, and their authority in the text), the impartial witness, the interpreter. R4's
    /// RelatedPerson is "a person that is involved in the care for a patient, but who is not the target of healthcare, nor has
    /// a formal responsibility in the care process"; Consent.performer and Provenance.signature.who both accept it.
    /// </summary>
    public static IReadOnlyList<(string Url, RelatedPerson Person)> RelatedPersons(ConsentRecord record, FhirReferences ids) =>
    [
        .. record.Signatures
            .Where(s => s.Role is SignerRole.Representative or SignerRole.Witness or SignerRole.Interpreter)
            .Select(s => (ids.Related(s.Role), new RelatedPerson
            {
                Patient = new ResourceReference(ids.Patient),
                Active = true,
                Name = [new HumanName { Text = s.PrintedName }],
                Relationship = [new CodeableConcept { Text = s.Role switch
                {
                    SignerRole.Representative => "legally authorized representative" + (s.Details is { } d ? ": " + d : ""),
                    SignerRole.Witness => "impartial witness",
                    _ => "interpreter" + (s.Details is { } d ? ": " + d : ""),
                } }],
            })),
    ];

    public static IReadOnlyList<(string Url, Practitioner Practitioner)> Clinicians(ConsentRecord record, FhirReferences ids) =>
    [
        .. record.Signatures
            .Where(s => s.Role == SignerRole.Clinician)
            .Select(s => s.PrintedName)
            .Distinct(StringComparer.Ordinal)
            .Select(name => (ids.Clinician(name), new Practitioner { Name = [new HumanName { Text = name }] })),
    ];
}
