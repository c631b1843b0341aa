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
            var body = MarkdownBlocks.Convert(d.Body, Theme.Body);
            // Disclosure texts usually open with their title as a heading; it is already the numbered heading.
            var skip = body.Count > 0 && body[0] is ParagraphBlock { KeepWithNext: true } first && Plain(first) == d.Title.Trim() ? 1 : 0;
            blocks.AddRange(body.Skip(skip));
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
        }
    }

    static string Plain(ParagraphBlock p) => string.Concat(p.Runs.Select(r => r.Text)).Trim();
}
