using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>Every disclosure exactly as shown, each followed by its acknowledgment.</summary>
static class DisclosureSections
{
    public static void Add(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        if (record.Disclosures.Count == 0)
        {
            return;
        }

        blocks.Add(new HeadingBlock(labels.Disclosures, 1));
        for (var i = 0; i < record.Disclosures.Count; i++)
        {
            var d = record.Disclosures[i];
            blocks.Add(new HeadingBlock($"{i + 1}. {d.Title}", 2) { SpaceBefore = i == 0 ? 0 : 6 });
            blocks.AddRange(BodyWithoutTitle(d.Body, d.Title, Theme.Body));
            var how = d.Method switch
            {
                AcknowledgmentMethod.Checkbox => labels.ByCheckbox,
                AcknowledgmentMethod.Initials => string.IsNullOrWhiteSpace(d.Initials) ? labels.ByInitials : $"{labels.ByInitials} ({d.Initials})",
            };
            blocks.Add(Panel(
                [
                    new Run($"{labels.Acknowledged} ", Theme.Body.WithBold() with { Size = 8.5 }),
                    new Run($"{Time(d.AcknowledgedAt, record)} {how}", Theme.Body with { Size = 8.5 }),
                    SmallText($"\n{labels.ContentHash}: {d.ContentSha256}"),
                ],
                Theme.AcknowledgedFill,
                Theme.AcknowledgedBar) with { Padding = 4, SpaceAfter = 4 });
            ClinicWording(record, labels, d, blocks);
        }
    }

    /// <summary>
    /// The disclosure in the clinic's language, after the acknowledgment of the patient's text: a grey
    /// caption in the record's language and the clinic's, then the title and text, smaller and grey.
    /// </summary>
    static void ClinicWording(ConsentRecord record, RecordLabels labels, DisclosureAcknowledgment d, List<Block> blocks)
    {
        if (record.ClinicLanguage is not { } clinicLanguage || d.ClinicBody is null)
        {
            return;
        }

        var clinicLabels = RecordLabels.For(clinicLanguage);
        var language = record.Workflow.Language;
        var caption = new List<Run> { new(Note(labels), Theme.Small.WithBold()) };
        if (clinicLabels.Language != labels.Language)
        {
            caption.Add(new Run($"\n{Note(clinicLabels)}", Theme.Small.WithItalic()));
        }

        blocks.Add(Panel(caption, Theme.ClinicWordingFill, Theme.Muted) with { Padding = 4, SpaceAfter = 4, KeepWithNext = true, KeepTogether = true });
        var style = Theme.Body with { Size = 8.5, Color = Theme.Muted };
        var title = d.ClinicTitle ?? d.Title;
        // Tagged in the clinic's language, so a screen reader reads it with that language's voice.
        blocks.Add(new ParagraphBlock([new Run(title, style.WithBold())]) { Indent = 8, SpaceAfter = 2, KeepWithNext = true, Lang = clinicLanguage });
        blocks.AddRange(BodyWithoutTitle(d.ClinicBody, title, style).Select(b => (b is ParagraphBlock p ? p with { Indent = p.Indent + 8 } : b) with { Lang = clinicLanguage }));
        blocks.Add(new RuleBlock(Theme.Rule) { SpaceAfter = 4 });

        string Note(RecordLabels l) => string.Format(System.Globalization.CultureInfo.InvariantCulture,
            l.ClinicWordingOfDisclosure, l.LanguageWord(clinicLanguage), l.LanguageWord(language));
    }

    static IEnumerable<Block> BodyWithoutTitle(string markdown, string title, TextStyle style)
    {
        var body = MarkdownBlocks.Convert(markdown, style);
        // Disclosure texts usually open with their title as a heading; it is already the numbered heading.
        var skip = body.Count > 0 && body[0] is ParagraphBlock { KeepWithNext: true } first && Plain(first) == title.Trim() ? 1 : 0;
        return body.Skip(skip);
    }

    static string Plain(ParagraphBlock p) => string.Concat(p.Runs.Select(r => r.Text)).Trim();
}
