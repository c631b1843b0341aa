using Consent.Records.Tests.Infrastructure;
using Hl7.Fhir.Model;

namespace Consent.Records.Tests.Fhir;

/// <summary>A re-consent's record names the record it supersedes; the FHIR export follows the consent's state now.</summary>
public sealed class ReconsentBundleTests
{
    private static readonly SupersededRecord Earlier =
        new(Guid.Parse("0190a0b0-0000-7000-8000-00000000e1e1"), new string('e', 64), 1, new DateTimeOffset(2025, 12, 1, 15, 30, 0, TimeSpan.Zero));

    [Fact]
    public void ARecordThatSupersedesAnother_LinksItAsARevision_AndStillValidates()
    {
        var record = SampleRecords.Full("en") with { Supersedes = Earlier };

        var bundle = FhirConsentBundle.Build(record, SignedSamples.Pdf("en"));

        var provenance = bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Single();
        var revision = Assert.Single(provenance.Entity);
        Assert.Equal(Provenance.ProvenanceEntityRole.Revision, revision.Role);
        Assert.Equal($"{Earlier.SessionId}/Consent", revision.What.Identifier!.Value);
        Assert.Contains(Earlier.RecordSha256, revision.What.Display, StringComparison.Ordinal);
        var errors = FhirValidation.Errors(bundle);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void AConsentNoLongerInForce_IsInactive_AndItsValidityEndsTheProvisionPeriod()
    {
        var end = new DateTimeOffset(2027, 12, 1, 15, 30, 0, TimeSpan.Zero);

        var superseded = Consent(FhirConsentBundle.Build(SampleRecords.Full("es"), SignedSamples.Pdf("es"),
            FhirBundleOptions.Default with { ConsentInForce = false, ExpiresAt = end }));
        var active = Consent(FhirConsentBundle.Build(SampleRecords.Full("en"), SignedSamples.Pdf("en"),
            FhirBundleOptions.Default with { ConsentInForce = true, ExpiresAt = end }));
        var asIssued = Consent(FhirConsentBundle.Build(SampleRecords.Full("en"), SignedSamples.Pdf("en")));

        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Inactive, superseded.Status);
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, active.Status);
        Assert.Equal(new FhirDateTime(end).Value, active.Provision!.Period!.End);
        Assert.Null(asIssued.Provision!.Period!.End);
        Assert.Equal(Hl7.Fhir.Model.Consent.ConsentState.Active, asIssued.Status);
    }

    [Fact]
    public void ThePdfOfAReconsent_NamesTheRecordItReplaces_InTheRecordsLanguage()
    {
        var english = Text(ConsentRecordPdf.Render(SampleRecords.Full("en") with { Supersedes = Earlier }));
        var spanish = Text(ConsentRecordPdf.Render(SampleRecords.Full("es") with { Supersedes = Earlier }));

        Assert.Contains("Replaces an earlier consent", english, StringComparison.Ordinal);
        Assert.Contains(Earlier.RecordSha256, english.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Reemplaza un consentimiento anterior", spanish, StringComparison.Ordinal);
    }

    private static string Text(byte[] pdf) => ExternalTool.Run("pdftotext", "-enc", "UTF-8", ExternalTool.TempFile(pdf), "-").Output;

    private static Hl7.Fhir.Model.Consent Consent(Bundle bundle) => bundle.Entry.Select(e => e.Resource).OfType<Hl7.Fhir.Model.Consent>().Single();
}
