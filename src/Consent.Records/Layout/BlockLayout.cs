namespace Consent.Records.Layout;

/// <summary>
/// Turns blocks into layout units for a column of a given width; the paginator then places them on pages. Each block becomes
/// a structure element (<see cref="StructureNode"/>) that its text and figures are tagged with; backgrounds, rules and
/// borders stay untagged (artifacts).
/// </summary>
sealed class BlockLayout(ITextMeasure measure, double width, double maxUnitHeight)
{
    public List<LayoutUnit> Units { get; } = [];

    public void Add(IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            Add(block, 0, width, null);
        }
    }

    void Add(Block block, double x, double w, StructureNode? parent)
    {
        if (block.SpaceBefore > 0)
        {
            Units.Add(LayoutUnit.Space(block.SpaceBefore));
        }

        var first = Units.Count;
        switch (block)
        {
            case ParagraphBlock p:
                AddParagraph(p, x, w, Node(p, "P", parent));
                break;
            case HeadingBlock h:
                // Level 1 is a section (H2) under the document title (H1).
                AddHeading(h, x, w, Node(h, "H" + Math.Min(h.Level + 1, 6), parent));
                break;
            case ListBlock l:
                AddList(l, x, w, Node(l, "L", parent));
                break;
            case TableBlock t:
                AddTable(t, x, w, Node(t, "Table", parent));
                break;
            case ImageBlock i:
                AddImage(i, x, w, new StructureNode(i.Role ?? "Figure", parent) { Alt = i.Alt, Lang = i.Lang });
                break;
            case SignatureBlock s:
                Units.Add(SignatureLayout.Build(s, measure, x, w, Node(s, "Div", parent)));
                break;
            case QrBlock q:
                Units.Add(QrLayout.Build(q, measure, x, w, Node(q, "Div", parent)));
                break;
            case RuleBlock r:
                Units.Add(new LayoutUnit(r.Thickness + 2, [new LineOp(x, 1, x + w, 1, r.Thickness, r.Color)]));
                break;
            case PageBreakBlock:
                Units.Add(new LayoutUnit(0, []) { PageBreakBefore = true, IsSpace = false, Tag = "page-break" });
                break;
            default:
                throw new NotSupportedException(block.GetType().Name);
        }

        if (block.KeepWithNext && Units.Count > first)
        {
            Units[^1] = Units[^1] with { KeepWithNext = true };
        }

        if (block.SpaceAfter > 0)
        {
            Units.Add(LayoutUnit.Space(block.SpaceAfter) with { KeepWithNext = block.KeepWithNext });
        }
    }

    static StructureNode Node(Block block, string role, StructureNode? parent) =>
        new(block.Role ?? role, parent) { Lang = block.Lang };

    void AddParagraph(ParagraphBlock p, double x, double w, StructureNode node)
    {
        var pad = p.Background is null ? 0 : p.Padding;
        var bar = p.AccentBar is null ? 0 : 3.0;
        var textX = x + p.Indent + pad + bar;
        var lines = LineBreaker.Break(p.Runs, w - p.Indent - 2 * pad - bar, measure);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var top = i == 0 ? pad : 0;
            var bottom = i == lines.Count - 1 ? pad : 0;
            var ops = new List<DrawOp>();
            if (p.Background is { } fill)
            {
                ops.Add(new RectOp(x + p.Indent, 0, w - p.Indent, line.Height + top + bottom, fill));
                if (p.AccentBar is { } accent)
                {
                    ops.Add(new RectOp(x + p.Indent, 0, bar, line.Height + top + bottom, accent));
                }
            }

            ops.AddRange(TextOps(line, textX, top, node));
            Units.Add(new LayoutUnit(line.Height + top + bottom, ops)
            {
                // Orphan and widow control: the first two and the last two lines stay together; every line of a paragraph kept together.
                KeepWithNext = lines.Count > 1 && (i == 0 || i == lines.Count - 2 || (p.KeepTogether && i < lines.Count - 1)),
                Tag = "line",
            });
        }
    }

    internal static IEnumerable<DrawOp> TextOps(TextLine line, double x, double top, StructureNode? node) =>
        line.Fragments.Select(f => (DrawOp)new TextOp(x + f.X, top + line.Baseline, f.Text, f.Style) { Node = node });

    void AddHeading(HeadingBlock h, double x, double w, StructureNode node)
    {
        var style = Theme.Heading(h.Level);
        var lines = LineBreaker.Break([new Run(h.Text, style)], w, measure);
        for (var i = 0; i < lines.Count; i++)
        {
            var ops = TextOps(lines[i], x, 0, node).ToList();
            var height = lines[i].Height;
            if (h.Level == 1 && i == lines.Count - 1)
            {
                ops.Add(new LineOp(x, height + 1, x + w, height + 1, 0.8, Theme.Accent));
                height += 4;
            }

            Units.Add(new LayoutUnit(height, ops) { KeepWithNext = true, Tag = "heading" });
        }

        Units.Add(LayoutUnit.Space(h.Level == 1 ? 5 : 2) with { KeepWithNext = true });
    }

    void AddList(ListBlock l, double x, double w, StructureNode list)
    {
        const double hang = 14;
        for (var n = 0; n < l.Items.Count; n++)
        {
            var marker = l.Numbered ? $"{l.Start + n}." : "\u2022";
            var first = Units.Count;
            var item = new StructureNode("LI", list);
            var label = new StructureNode("Lbl", item);
            var body = new StructureNode("LBody", item);
            foreach (var child in l.Items[n])
            {
                Add(child, x + hang, w - hang, body);
            }

            // The marker sits on the baseline of the item's first line.
            var index = Units.FindIndex(first, u => u.Tag == "line");
            if (index >= 0)
            {
                var unit = Units[index];
                var firstText = unit.Ops.OfType<TextOp>().FirstOrDefault();
                var style = firstText?.Style ?? Theme.Body;
                var baseline = firstText?.Baseline ?? style.Baseline;
                var markerStyle = style with { Bold = false, Italic = false };
                var markerX = x + hang - 4 - measure.Width(marker, markerStyle);
                // Painted first, so the label comes before the body in the structure tree as it does on the page.
                Units[index] = unit with { Ops = [new TextOp(markerX, baseline, marker, markerStyle) { Node = label }, .. unit.Ops] };
            }

            if (n < l.Items.Count - 1)
            {
                Units.Add(LayoutUnit.Space(2));
            }
        }
    }

    void AddTable(TableBlock t, double x, double w, StructureNode table)
    {
        var total = t.ColumnWeights.Sum();
        var widths = t.ColumnWeights.Select(c => w * c / total).ToArray();
        IReadOnlyList<LayoutUnit>? header = null;
        if (t.Header is { } headerCells)
        {
            header = [.. TableRows.Build(headerCells, widths, t, measure, x, Theme.HeaderFill, maxUnitHeight, "table-header", Cells(table, widths.Length, headerRow: true))];
            Units.AddRange(header.Select((u, i) => u with { KeepWithNext = true }));
        }

        for (var r = 0; r < t.Rows.Count; r++)
        {
            Rgb? fill = t.Zebra && r % 2 == 1 ? Theme.ZebraFill : null;
            var last = r == t.Rows.Count - 1;
            foreach (var unit in TableRows.Build(t.Rows[r], widths, t, measure, x, fill, maxUnitHeight, "table-row", Cells(table, widths.Length, headerRow: false, t.RowHeaders)))
            {
                Units.Add(unit with { RepeatHeader = header, KeepWithNext = unit.KeepWithNext || (t.KeepTogether && !last) });
            }
        }
    }

    /// <summary>A row of a table and its cells: header cells for a header row, and for the first cell of a row that labels it.</summary>
    static StructureNode[] Cells(StructureNode table, int columns, bool headerRow, bool rowHeaders = false)
    {
        var row = new StructureNode("TR", table);
        return [.. Enumerable.Range(0, columns).Select(c => new StructureNode(headerRow || (rowHeaders && c == 0) ? "TH" : "TD", row))];
    }

    void AddImage(ImageBlock i, double x, double w, StructureNode figure)
    {
        var scale = Math.Min(1, Math.Min(w / i.Width, maxUnitHeight / i.Height));
        Units.Add(new LayoutUnit(i.Height * scale, [new ImageOp(x, 0, i.Width * scale, i.Height * scale, i.Data) { Node = figure }]) { Tag = "image" });
    }
}
