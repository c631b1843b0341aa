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

    public static IReadOnlyList<(string Url, Practitioner Practitioner)> Clinicians(ConsentRecord record, FhirReferences ids) =>
    [
        .. record.Signatures
            .Where(s => s.Role == SignerRole.Clinician)
            .Select(s => s.PrintedName)
            .Distinct(StringComparer.Ordinal)
            .Select(name => (ids.Clinician(name), new Practitioner { Name = [new HumanName { Text = name }] })),
    ];
}
