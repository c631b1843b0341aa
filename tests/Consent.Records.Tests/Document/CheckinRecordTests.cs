using Consent.Records.Tests.Fhir;
using Consent.Records.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Consent.Records.Tests.Document;

/// <summary>
/// The dose-day check-in record (issue 14): one page whatever the outcome and language, even with every hold reason and the
/// longest note a check-in decision takes; signed like every record; the consent record it relies on named by SHA-256; its
/// FHIR export a QuestionnaireResponse that validates against R4.
/// </summary>
public sealed class CheckinRecordTests
{
    [Theory]
    [InlineData("en", CheckinResult.Cleared, PaperSize.Letter)]
    [InlineData("en", CheckinResult.ClearedAfterDiscussion, PaperSize.Letter)]
    [InlineData("en", CheckinResult.NotToday, PaperSize.A4)]
    [InlineData("es", CheckinResult.NotToday, PaperSize.Letter)]
    [InlineData("es", CheckinResult.ClearedAfterDiscussion, PaperSize.A4)]
    public void A_checkin_record_is_one_page_even_at_its_largest(string language, CheckinResult result, PaperSize paper)
    {
        var record = SampleRecords.Checkin(language, result, noteLength: CheckinDetails.MaxNoteLength, deviceKind: "clinic tablet");
        record = record with { Clinic = record.Clinic with { Logo = TinyPng.Logo() } };
        var options = SignedSamples.Options with { Paper = paper };

        Assert.Equal(1, ConsentRecordPdf.CountPages(record, options));
        var path = ExternalTool.TempFile(ConsentRecordPdf.RenderSigned(record, new RecordSigner(Certificates.Ecdsa), options));
        Assert.Equal("1", ExternalTool.Run("qpdf", "--show-npages", path).Output.Trim());
    }

    [Fact]
    public void It_shows_the_consent_it_relies_on_the_answers_the_checks_the_decision_and_the_chain_head()
    {
        var record = SampleRecords.Checkin("en", CheckinResult.NotToday, deviceKind: "clinic tablet");
        var pdf = ConsentRecordPdf.RenderSigned(record, new RecordSigner(Certificates.Ecdsa), SignedSamples.Options);
        var path = ExternalTool.TempFile(pdf);
        var text = string.Join(' ', ExternalTool.Run("pdftotext", "-enc", "UTF-8", path, "-").Output.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));

        Assert.Contains("Dose-day check-in record", text, StringComparison.Ordinal);
        Assert.Contains("Check-in before your ketamine dose", text, StringComparison.Ordinal);
        Assert.Contains("ketamine-iv-dose-checkin, version 1", text, StringComparison.Ordinal);
        Assert.Contains("Margaret J. O'Brien-Whitfield", text, StringComparison.Ordinal);
        Assert.Contains("1975-06-30", text, StringComparison.Ordinal);
        Assert.Contains("MRN-00981234-RIVERSIDE", text, StringComparison.Ordinal);
        Assert.Contains(record.Checkin!.ReliesOn!.RecordSha256, text, StringComparison.Ordinal);
        Assert.Contains("I still agree to this treatment today.", text, StringComparison.Ordinal);
        Assert.Contains("188 mmHg", text, StringComparison.Ordinal);
        Assert.Contains("Nurse Oluwaseun Adebayo-Castellanos, RN", text, StringComparison.Ordinal);
        Assert.Contains("Not today: no dose today", text, StringComparison.Ordinal);
        Assert.Contains("Dr. Adaeze Okafor-Whitfield, MD", text, StringComparison.Ordinal);
        Assert.Contains("Not today: the clinician decided that the patient is not dosed today", text, StringComparison.Ordinal);
        Assert.Contains("clinic tablet", text, StringComparison.Ordinal);
        Assert.Contains(record.Audit.LastHash, text, StringComparison.Ordinal);
        Assert.Matches(@"2026-11-27 1\d:\d\d [−-]05:00", text);

        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", path).All, StringComparison.Ordinal);
        var check = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(check.ExitCode == 0 && !check.All.Contains("WARNING", StringComparison.Ordinal), check.All);
        var verification = RecordVerifier.Verify(pdf, Certificates.Ecdsa);
        Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
        Assert.Equal(RecordKind.Checkin, verification.Kind);
        Assert.Equal(record.Audit.LastHash, verification.ChainHash);
    }

    [Fact]
    public void Without_a_device_kind_no_device_row_is_drawn()
    {
        var text = ExternalTool.Run("pdftotext", "-enc", "UTF-8", ExternalTool.TempFile(ConsentRecordPdf.Render(SampleRecords.Checkin("en"))), "-").Output;

        Assert.DoesNotContain("Device", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spanish_checkin_record_is_labelled_in_spanish()
    {
        var text = ExternalTool.Run("pdftotext", "-enc", "UTF-8", ExternalTool.TempFile(ConsentRecordPdf.Render(SampleRecords.Checkin("es"))), "-").Output;

        Assert.Contains("Registro de la verificación del día de la dosis", text, StringComparison.Ordinal);
        Assert.Contains("Sigo de acuerdo con este tratamiento hoy.", text, StringComparison.Ordinal);
        Assert.Contains("SHA-256 del registro de consentimiento", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Staff checks", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CheckinResult.Cleared)]
    [InlineData(CheckinResult.NotToday)]
    public void Its_fhir_bundle_is_a_questionnaire_response_linked_to_the_consent_and_validates(CheckinResult result)
    {
        var record = SampleRecords.Checkin("en", result);
        var json = FhirConsentBundle.ToJson(FhirConsentBundle.Build(record, ConsentRecordPdf.Render(record)));
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(json);

        Assert.DoesNotContain(bundle.Entry, e => e.Resource is Hl7.Fhir.Model.Consent);
        var response = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<QuestionnaireResponse>());
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        Assert.Contains(record.Checkin!.ReliesOn!.RecordSha256, json, StringComparison.Ordinal);
        var provenance = Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<Provenance>());
        var source = Assert.Single(provenance.Entity);
        Assert.Equal(Provenance.ProvenanceEntityRole.Source, source.Role);
        Assert.Equal(SampleRecords.SessionId.ToString(), source.What!.Identifier!.Value);
        Assert.Equal(result == CheckinResult.NotToday, provenance.Signature.Count == 1);
        Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<DocumentReference>());
        Assert.Empty(FhirValidation.Errors(bundle));
    }
}
