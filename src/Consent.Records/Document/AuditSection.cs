using System.Globalization;
using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>The final audit page: every event of the session and the head of the hash chain.</summary>
static class AuditSection
{
    public static void Add(ConsentRecord record, RecordLabels labels, List<Block> blocks)
    {
        blocks.Add(new PageBreakBlock());
        blocks.Add(new HeadingBlock(labels.AuditTrail, 1));
        blocks.Add(new ParagraphBlock([SmallText(labels.AuditIntro)]) { SpaceAfter = 8 });
        var small = Theme.TableText with { Size = 7.5 };
        var header = Theme.TableHeader with { Size = 7.5 };
        TableCell C(string text) => new([new Run(text, small)]);
        TableCell H(string text) => new([new Run(text, header)]);
        blocks.Add(new TableBlock(
            [0.035, 0.15, 0.2, 0.14, 0.1, 0.255, 0.12],
            [H(labels.Sequence), H(labels.Time), H(labels.Event), H(labels.Actor), H(labels.IpAddress), H(labels.UserAgent), H(labels.Hash)],
            [.. record.Audit.Events.Select(e => (IReadOnlyList<TableCell>)
            [
                C(e.Sequence.ToString(CultureInfo.InvariantCulture)),
                C(RecordTime.FormatPrecise(e.At, record.TimeZone)),
                C(e.Type),
                C(e.Actor),
                C(e.IpAddress ?? "\u2013"),
                new TableCell([new Run(e.UserAgent ?? "\u2013", small with { Size = 7 })]),
                C(Short(e.Hash)),
            ])])
        {
            CellPadding = 3,
            SpaceAfter = 10,
        });
        blocks.Add(new ParagraphBlock([new Run(labels.ChainHead, Theme.Caption with { Size = 8.5 })]) { KeepWithNext = true });
        blocks.Add(new ParagraphBlock([new Run(record.Audit.LastHash, Theme.Body with { Size = 9 })]));
    }

    static string Short(string hash) => hash.Length > 10 ? hash[..10] + "\u2026" : hash;
}
