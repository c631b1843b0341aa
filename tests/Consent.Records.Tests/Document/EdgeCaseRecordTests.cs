using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Document;

/// <summary>Records that are nearly empty or full of unusual text still render, sign and check clean.</summary>
public sealed class EdgeCaseRecordTests
{
    static void AssertCleanAndValid(ConsentRecord record)
    {
        var pdf = ConsentRecordPdf.RenderSigned(record, new RecordSigner(Certificates.Ecdsa));
        var path = ExternalTool.TempFile(pdf);
        var check = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(check.ExitCode == 0 && !check.All.Contains("WARNING", StringComparison.Ordinal), check.All);
        Assert.True(RecordVerifier.Verify(pdf, Certificates.Ecdsa).IsValid);
    }

    [Fact]
    public void A_record_with_nothing_but_the_required_parts_renders()
    {
        var full = SampleRecords.Full("en", RecordKind.DeclinedSummary);
        AssertCleanAndValid(new ConsentRecord
        {
            Kind = RecordKind.DeclinedSummary,
            Clinic = new ClinicDetails("C", []),
            SessionId = Guid.NewGuid(),
            Patient = new PatientDetails("P", new DateOnly(2000, 1, 1)),
            Workflow = full.Workflow,
            StartedAt = full.StartedAt,
            IssuedAt = full.IssuedAt,
            Audit = new AuditTrail([], new string('0', 64)),
        });
    }

    [Fact]
    public void Unusual_text_is_laid_out_without_errors()
    {
        var full = SampleRecords.Full("en");
        var odd = "Emoji 😟👍🏽, CJK 知情同意, Arabic موافقة, math ≥ ≤ ≠ – € ü ñ ¿ ¡, a tab\there, CRLF\r\nline, "
            + new string('W', 400) + " " + string.Join("-", Enumerable.Repeat("hyphenated", 30));
        AssertCleanAndValid(full with
        {
            Patient = full.Patient with { Name = new string('N', 300) },
            Questions = [new PatientQuestion(odd, full.StartedAt)],
            Disclosures = [full.Disclosures[0] with { Title = odd, Body = "# " + odd + "\n\n" + odd + "\n\n1. " + odd + "\n   - nested " + odd, Method = AcknowledgmentMethod.Initials, Initials = null }],
            Signatures = [full.Signatures[0] with { Strokes = [[new(5, 5)], [], [new(1, 1), new(1, 1)]] }],
        });
    }
}
