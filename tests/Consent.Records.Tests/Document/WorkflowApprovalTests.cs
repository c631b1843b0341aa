using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Document;

/// <summary>
/// The summary states who approved the workflow version the session ran on, and when (21 CFR 11.50: printed name,
/// date and time with its offset, meaning), in the record's language; a record without approvals prints no such line.
/// </summary>
public sealed class WorkflowApprovalTests
{
    private static readonly IReadOnlyList<WorkflowApproval> Approvals =
    [
        new("Approved for use with patients", "Dr. Ana Ruiz", new DateTimeOffset(2026, 11, 20, 15, 4, 0, TimeSpan.Zero)),
        new("Approved for use with patients", "Ben Okafor", new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero)),
    ];

    [Fact]
    public void The_summary_names_each_approver_with_the_time_and_its_offset()
    {
        var text = Text(SampleRecords.Full("en") with { WorkflowApprovals = Approvals });
        Assert.Contains("Ethics approval", text, StringComparison.Ordinal);
        Assert.Contains("Approved for use with patients by Dr. Ana Ruiz, 2026-11-20 10:04 \u221205:00", text, StringComparison.Ordinal);
        Assert.Contains("Approved for use with patients by Ben Okafor, 2026-11-21 04:30 \u221205:00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void In_Spanish_the_caption_and_the_words_are_Spanish()
    {
        var text = Text(SampleRecords.Full("es") with
        {
            WorkflowApprovals = [.. Approvals.Select(a => a with { Meaning = "Aprobado para su uso con pacientes" })],
        });
        Assert.Contains("Aprobación ética", text, StringComparison.Ordinal);
        Assert.Contains("Aprobado para su uso con pacientes por Dr. Ana Ruiz, 2026-11-20 10:04 \u221205:00", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_approvals_no_line_is_printed()
    {
        Assert.DoesNotContain("Ethics approval", Text(SampleRecords.Full("en")), StringComparison.Ordinal);
    }

    /// <summary>The text, one space for every run of white space (a table cell's text may break over lines).</summary>
    private static string Text(ConsentRecord record) => System.Text.RegularExpressions.Regex.Replace(
        ExternalTool.Run("pdftotext", "-enc", "UTF-8", ExternalTool.TempFile(ConsentRecordPdf.Render(record, SignedSamples.Options)), "-").Output, @"\s+", " ");
}
