using Consent.Records.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Consent.Records.Tests.Fhir;

/// <summary>The FHIR export validates against the R4 specification (Firely validator, offline).</summary>
public sealed class FhirValidationTests
{
    public static TheoryData<string, RecordKind> Records() => new()
    {
        { "en", RecordKind.Consent },
        { "es", RecordKind.Consent },
        { "en", RecordKind.Withdrawal },
        { "en", RecordKind.DeclinedSummary },
        { "es", RecordKind.ReferredSummary },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Every_kind_of_record_exports_a_bundle_with_no_validation_errors(string language, RecordKind kind)
    {
        var bundle = FhirConsentBundle.Build(SampleRecords.Full(language, kind), SignedSamples.Pdf(language));

        var errors = FhirValidation.Errors(bundle);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void The_bundle_still_validates_after_a_round_trip_through_json()
    {
        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(SampleRecords.Full("es"), SignedSamples.Pdf("es")));
        var parsed = new FhirJsonDeserializer().Deserialize<Bundle>(json);

        Assert.Empty(FhirValidation.Errors(parsed));
    }

    [Fact]
    public void A_near_empty_record_exports_a_valid_bundle()
    {
        var full = SampleRecords.Full("en", RecordKind.DeclinedSummary);
        var bare = new ConsentRecord
        {
            Kind = RecordKind.DeclinedSummary,
            Clinic = new ClinicDetails("C", []),
            SessionId = Guid.NewGuid(),
            Patient = new PatientDetails("P", new DateOnly(2000, 1, 1)),
            Workflow = full.Workflow,
            StartedAt = full.StartedAt,
            IssuedAt = full.IssuedAt,
            Outcome = full.Outcome,
            Audit = new AuditTrail([], new string('0', 64)),
        };

        var errors = FhirValidation.Errors(FhirConsentBundle.Build(bare, SignedSamples.Pdf()));

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void The_validator_does_report_a_consent_that_breaks_the_specification()
    {
        var bundle = FhirConsentBundle.Build(SampleRecords.Full(), SignedSamples.Pdf());
        var consent = bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Consent>().Single();
        consent.Status = null;
        consent.Scope = null!;

        var errors = FhirValidation.Errors(bundle);

        Assert.Contains(errors, e => e.Contains("status", StringComparison.OrdinalIgnoreCase));
    }
}
