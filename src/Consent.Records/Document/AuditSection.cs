using System.Globalization;
using Consent.Records.Layout;
using static Consent.Records.Document.RecordText;

namespace Consent.Records.Document;

/// <summary>
/// The final audit page: every event of the session and the head of the hash chain. User agents
/// are long and repeat, so the table names each by a short key ("UA-1") listed in full below it.
/// </summary>
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

        var agents = record.Audit.Events.Select(e => e.UserAgent).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select((agent, i) => (Agent: agent, Key: $"UA-{i + 1}")).ToDictionary(a => a.Agent, a => a.Key, StringComparer.Ordinal);
        blocks.Add(new TableBlock(
            [0.04, 0.23, 0.22, 0.17, 0.12, 0.07, 0.15],
            [H(labels.Sequence), H(labels.Time), H(labels.Event), H(labels.Actor), H(labels.IpAddress), H(labels.UserAgent), H(labels.Hash)],
            [.. record.Audit.Events.Select(e => (IReadOnlyList<TableCell>)
            [
                C(e.Sequence.ToString(CultureInfo.InvariantCulture)),
                C(RecordTime.FormatPrecise(e.At, record.TimeZone)),
                C(e.Type),
                C(e.Actor),
                C(e.IpAddress ?? "\u2013"),
                C(e.UserAgent is { } agent ? agents[agent] : "\u2013"),
                C(Short(e.Hash)),
            ])])
        {
            CellPadding = 3,
            SpaceAfter = 10,
        });

        if (agents.Count > 0)
        {
            blocks.Add(new HeadingBlock(labels.UserAgents, 3) { KeepWithNext = true });
            blocks.Add(new TableBlock([0.08, 0.92], null, [.. agents.Select(a => (IReadOnlyList<TableCell>)[C(a.Value), C(a.Key)])])
            {
                Zebra = false,
                CellPadding = 3,
                SpaceAfter = 10,
            });
        }

        blocks.Add(new ParagraphBlock([new Run(labels.ChainHead, Theme.Caption with { Size = 8.5 })]) { KeepWithNext = true });
        blocks.Add(new ParagraphBlock([new Run(record.Audit.LastHash, Theme.Body with { Size = 9 })]));
    }

    static string Short(string hash) => hash.Length > 12 ? hash[..12] + "\u2026" : hash;
}
