using System.Security.Cryptography;
using System.Text.Json;
using Consent.Records.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Consent.Records.Tests.Fhir;

/// <summary>
/// The FHIR R4 export, serialized by the SDK and parsed back by it: the elements and invariants we
/// rely on. Validation against the specification is in <see cref="FhirValidationTests"/>.
/// </summary>
public sealed class FhirConsentBundleTests
{
    static readonly ConsentRecord Record = SampleRecords.Full("en");

    static Bundle RoundTrip(ConsentRecord record, byte[] pdf)
    {
        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(record, pdf));
        return new FhirJsonDeserializer().Deserialize<Bundle>(json);
    }

    [Fact]
    public void The_bundle_is_a_collection_of_consent_answers_provenance_and_parties()
    {
        var bundle = RoundTrip(Record, SignedSamples.Pdf());

        Assert.Equal(Bundle.BundleType.Collection, bundle.Type);
        var types = bundle.Entry.Select(e => e.Resource!.TypeName).ToList();
        Assert.Equal(["Consent", "QuestionnaireResponse", "Provenance", "Patient", "Organization", "Practitioner"], types);
        Assert.All(bundle.Entry, e => Assert.StartsWith("urn:uuid:", e.FullUrl, StringComparison.Ordinal));
        Assert.Equal(bundle.Entry.Count, bundle.Entry.Select(e => e.FullUrl).Distinct().Count());
    }

    [Fact]
    public void The_consent_carries_scope_category_patient_policy_provision_and_the_signed_pdf()
    {
        var pdf = SignedSamples.Pdf();
        var bundle = RoundTrip(Record, pdf);
        var consent = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Consent>().Single();
        var patientUrl = bundle.Entry.Single(e => e.Resource is Patient).FullUrl;

        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, consent.Status);
        Assert.Equal("http://terminology.hl7.org/CodeSystem/consentscope", consent.Scope!.Coding[0].System);
        Assert.Equal("treatment", consent.Scope!.Coding[0].Code);
        Assert.Equal(("http://loinc.org", "59284-0"), (consent.Category[0].Coding[0].System, consent.Category[0].Coding[0].Code));
        Assert.Equal(patientUrl, consent.Patient!.Reference);
        Assert.Equal(patientUrl, consent.Performer[0].Reference);
        Assert.NotEmpty(consent.Organization);
        Assert.NotNull(consent.DateTime);
        Assert.Contains("ketamine-iv-depression/v3", consent.Policy[0].Uri, StringComparison.Ordinal);
        Assert.Contains(Record.Workflow.Hash, consent.Policy[0].Uri, StringComparison.Ordinal);
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentProvisionType.Permit, consent.Provision!.Type);

        var attachment = Assert.IsType<Attachment>(consent.Source);
        Assert.Equal("application/pdf", attachment.ContentType);
        Assert.Equal(pdf, attachment.Data);
#pragma warning disable CA5350 // R4 Attachment.hash is SHA-1 by definition.
        Assert.Equal(SHA1.HashData(pdf), attachment.Hash);
#pragma warning restore CA5350
        Assert.False(string.IsNullOrEmpty(attachment.Title));
    }

    [Fact]
    public void The_json_is_camel_case_fhir_with_the_hash_in_base64()
    {
        var pdf = SignedSamples.Pdf();
        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(Record, pdf));
        using var doc = JsonDocument.Parse(json);
        var consent = doc.RootElement.GetProperty("entry")[0].GetProperty("resource");

        Assert.Equal("Bundle", doc.RootElement.GetProperty("resourceType").GetString());
        Assert.Equal("collection", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("Consent", consent.GetProperty("resourceType").GetString());
        var attachment = consent.GetProperty("sourceAttachment");
#pragma warning disable CA5350
        Assert.Equal(Convert.ToBase64String(SHA1.HashData(pdf)), attachment.GetProperty("hash").GetString());
#pragma warning restore CA5350
        Assert.Equal(Convert.ToBase64String(pdf), attachment.GetProperty("data").GetString());
    }

    [Theory]
    [InlineData(RecordKind.Consent, "active", "permit")]
    [InlineData(RecordKind.Withdrawal, "inactive", "deny")]
    [InlineData(RecordKind.DeclinedSummary, "rejected", "deny")]
    [InlineData(RecordKind.ReferredSummary, "rejected", "deny")]
    public void Status_and_provision_follow_the_record_kind(RecordKind kind, string status, string provision)
    {
        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(SampleRecords.Full("en", kind), new byte[] { 1, 2, 3 }));
        using var doc = JsonDocument.Parse(json);
        var consent = doc.RootElement.GetProperty("entry")[0].GetProperty("resource");

        Assert.Equal(status, consent.GetProperty("status").GetString());
        Assert.Equal(provision, consent.GetProperty("provision").GetProperty("type").GetString());
    }

    [Fact]
    public void The_questionnaire_response_has_every_acknowledgment_and_answer()
    {
        var bundle = RoundTrip(Record, [1, 2, 3]);
        var response = bundle.Entry.Select(e => e.Resource).OfType<QuestionnaireResponse>().Single();

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        var disclosures = response.Item.Single(i => i.LinkId == "disclosures").Item;
        Assert.Equal(Record.Disclosures.Count, disclosures.Count);
        Assert.All(disclosures, d => Assert.Equal(true, ((FhirBoolean)d.Item.Single(i => i.LinkId!.EndsWith(".acknowledged", StringComparison.Ordinal)).Answer[0].Value!).Value));
        Assert.Equal(Record.Disclosures.Select(d => d.ContentSha256),
            disclosures.Select(d => ((FhirString)d.Item.Single(i => i.LinkId!.EndsWith(".content-sha256", StringComparison.Ordinal)).Answer[0].Value!).Value));
        var screening = response.Item.Single(i => i.LinkId == "screening").Item;
        Assert.Equal(Record.ScreeningAnswers.Select(a => a.Answer), screening.Select(s => ((FhirString)s.Answer[0].Value!).Value));
        Assert.Equal(Record.Comprehension!.Attempts.Count, response.Item.Single(i => i.LinkId == "comprehension").Item.Count(i => i.Item.Count > 0));
        Assert.Single(response.Item.Single(i => i.LinkId == "questions").Item);
        Assert.Equal(response.LinkIdsInOrder().Count(), response.LinkIdsInOrder().Distinct().Count());
    }

    [Fact]
    public void The_provenance_targets_the_consent_and_types_each_signature_by_its_purpose()
    {
        var bundle = RoundTrip(Record, [1, 2, 3]);
        var provenance = bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Single();
        var consentUrl = bundle.Entry.Single(e => e.Resource is Hl7.Fhir.Model.Consent).FullUrl;

        Assert.Contains(provenance.Target, t => t.Reference == consentUrl);
        Assert.NotNull(provenance.Recorded);
        Assert.NotEmpty(provenance.Agent);
        Assert.All(provenance.Agent, a => Assert.NotNull(Assert.IsType<ResourceReference>(a.Who).Reference));
        Assert.Equal(Record.Signatures.Count, provenance.Signature.Count);
        Assert.All(provenance.Signature, s =>
        {
            Assert.Equal("urn:iso-astm:E1762-95:2013", s.Type[0].System);
            Assert.NotNull(s.When);
            Assert.Contains(bundle.Entry, e => e.FullUrl == Assert.IsType<ResourceReference>(s.Who).Reference);
        });
        // The patient's is a Consent Signature, the countersigning clinician's a Verification Signature (R4 SignatureTypeCodes).
        Assert.Equal(["1.2.840.10065.1.12.1.7", "1.2.840.10065.1.12.1.5"], provenance.Signature.Select(s => s.Type[0].Code));
    }

    [Fact]
    public void Every_reference_resolves_inside_the_bundle()
    {
        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(Record, new byte[] { 1 }));
        var urls = new FhirJsonDeserializer().Deserialize<Bundle>(json).Entry.Select(e => e.FullUrl).ToHashSet();
        using var doc = JsonDocument.Parse(json);
        var references = new List<string>();
        Collect(doc.RootElement, references);

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Contains(r, urls));
    }

    [Fact]
    public void The_patient_has_name_birth_date_and_mrn()
    {
        var patient = RoundTrip(Record, [1, 2, 3]).Entry.Select(e => e.Resource).OfType<Patient>().Single();
        Assert.Equal(Record.Patient.Name, patient.Name[0].Text);
        Assert.Equal("1984-03-09", patient.BirthDate);
        Assert.Equal("MRN-0048213", patient.Identifier[0].Value);
        Assert.Equal("MR", patient.Identifier[0].Type!.Coding[0].Code);
    }

    static void Collect(JsonElement element, List<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "reference" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        references.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        Collect(property.Value, references);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, references);
                }

                break;
        }
    }
}

static class QuestionnaireResponseExtensions
{
    public static IEnumerable<string> LinkIdsInOrder(this QuestionnaireResponse response) => Walk(response.Item);

    static IEnumerable<string> Walk(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => new[] { i.LinkId ?? "" }.Concat(Walk(i.Item)).Concat(i.Answer.SelectMany(a => Walk(a.Item))));
}
