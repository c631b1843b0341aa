using System.Globalization;
using System.Security.Cryptography;
using Consent.Records.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Consent.Records;

/// <summary>
/// The FHIR R4 export of a record: a collection Bundle with the Consent (signed PDF attached), a
/// QuestionnaireResponse with every acknowledgment and answer, a Provenance carrying the consent
/// signatures, and the Patient, Organization and clinicians they refer to.
/// </summary>
public static class FhirConsentBundle
{
    /// <summary>Builds the bundle for a record and its signed PDF.</summary>
    public static Bundle Build(ConsentRecord record, ReadOnlyMemory<byte> signedPdf, FhirBundleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Kind == RecordKind.Checkin)
        {
            return FhirCheckinBundle.Build(record, signedPdf, options);
        }

        options ??= FhirBundleOptions.Default;
        var ids = new FhirReferences(record.SessionId);
        var patient = FhirParties.Patient(record, options);
        var organization = FhirParties.Organization(record);
        var clinicians = FhirParties.Clinicians(record, ids);
        var related = FhirParties.RelatedPersons(record, ids);
        var consent = Consent(record, signedPdf, options, ids);
        var answers = FhirAnswers.QuestionnaireResponse(record, options, ids);
        var provenance = FhirSignatures.Provenance(record, ids, clinicians);
        if (record.Supersedes is { } earlier)
        {
            // A re-consent revises the earlier consent: Provenance.entity with role "revision" names its record
            // (R4 ProvenanceEntityRole: "A derivation for which the resulting entity is a revised version of some original").
            provenance.Entity.Add(new Provenance.EntityComponent
            {
                Role = Provenance.ProvenanceEntityRole.Revision,
                What = new ResourceReference
                {
                    Identifier = new Identifier(options.SessionIdSystem, $"{earlier.SessionId}/{RecordKind.Consent}"),
                    Display = $"SHA-256 {earlier.RecordSha256}",
                },
            });
        }

        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Collection,
            Identifier = new Identifier(options.SessionIdSystem, $"{record.SessionId}/{record.Kind}"),
            Timestamp = record.IssuedAt,
        };
        Add(bundle, ids.Consent, consent);
        Add(bundle, ids.Answers, answers);
        Add(bundle, ids.Provenance, provenance);
        Add(bundle, ids.Patient, patient);
        Add(bundle, ids.Organization, organization);
        foreach (var (url, practitioner) in clinicians)
        {
            Add(bundle, url, practitioner);
        }

        foreach (var (url, person) in related)
        {
            Add(bundle, url, person);
        }

        return bundle;
    }

    /// <summary>FHIR JSON (camelCase, as the specification defines it), serialized by the SDK.</summary>
    public static string ToJson(Bundle bundle) => new FhirJsonSerializer().SerializeToString(bundle);

    static void Add(Bundle bundle, string fullUrl, Resource resource) =>
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = fullUrl, Resource = resource });

    static Hl7.Fhir.Model.Consent Consent(ConsentRecord record, ReadOnlyMemory<byte> pdf, FhirBundleOptions options, FhirReferences ids)
    {
        var labels = RecordLabels.For(record.Workflow.Language);
        var w = record.Workflow;
#pragma warning disable CA5350 // R4 defines Attachment.hash as the SHA-1 of the data; it is an identifier here, the PDF carries its own SHA-256 signature.
        var sha1 = SHA1.HashData(pdf.Span);
#pragma warning restore CA5350
        var consent = new Hl7.Fhir.Model.Consent
        {
            Status = record.Kind switch
            {
                // R4 ConsentState: "inactive" = "The consent is terminated or replaced" (superseded, withdrawn, expired).
                RecordKind.Consent => options.ConsentInForce == false ? Hl7.Fhir.Model.Consent.ConsentState.Inactive : Hl7.Fhir.Model.Consent.ConsentState.Active,
                RecordKind.Withdrawal => Hl7.Fhir.Model.Consent.ConsentState.Inactive,
                RecordKind.DeclinedSummary => Hl7.Fhir.Model.Consent.ConsentState.Rejected,
                RecordKind.ReferredSummary => Hl7.Fhir.Model.Consent.ConsentState.Rejected,
                RecordKind.Checkin => throw new ArgumentException("A check-in record is exported as a QuestionnaireResponse (FhirCheckinBundle), not a Consent."),
            },
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "treatment", "Treatment"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0", "Patient Consent")],
            Patient = new ResourceReference(ids.Patient),
            DateTimeElement = new FhirDateTime(record.IssuedAt),
            // R4 Consent.performer: "Either the Grantor, which is the entity responsible for granting the rights listed in a Consent
            // Directive or the Grantee" - the patient, or the legally authorized representative who consented for them.
            Performer = [new ResourceReference(record.Signatures.Any(s => s.Role == SignerRole.Representative) ? ids.Related(SignerRole.Representative) : ids.Patient)],
            Organization = [new ResourceReference(ids.Organization)],
            Identifier = [new Identifier(options.SessionIdSystem, record.SessionId.ToString())],
            Source = new Attachment
            {
                ContentType = "application/pdf",
                Language = w.Language,
                Data = options.EmbeddedInRecord ? null : pdf.ToArray(),
                // No Size: SDK 6.8 models it as integer64 and writes a JSON string, which R4 (unsignedInt) rejects.
                Hash = options.EmbeddedInRecord ? null : sha1,
                Title = $"{labels.DocumentTitle} \u2013 {w.Title}",
                CreationElement = new FhirDateTime(record.IssuedAt),
            },
            Policy =
            [
                new Hl7.Fhir.Model.Consent.PolicyComponent
                {
                    Uri = $"{options.WorkflowPolicyBase}{w.Id}/v{w.Version.ToString(CultureInfo.InvariantCulture)}#sha256={w.Hash}",
                },
            ],
            Provision = new Hl7.Fhir.Model.Consent.provisionComponent
            {
                Type = record.Kind == RecordKind.Consent ? Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit : Hl7.Fhir.Model.Consent.ConsentProvisionType.Deny,
                Period = new Period
                {
                    StartElement = new FhirDateTime(record.IssuedAt),
                    EndElement = record.Kind == RecordKind.Consent && options.ExpiresAt is { } end ? new FhirDateTime(end) : null,
                },
            },
        };
        if (record.IdentityCheck is { } identity)
        {
            consent.Verification.Add(new Hl7.Fhir.Model.Consent.VerificationComponent
            {
                Verified = true,
                VerifiedWith = new ResourceReference(ids.Patient),
                VerificationDateElement = new FhirDateTime(identity.VerifiedAt),
            });
        }

        return consent;
    }
}
