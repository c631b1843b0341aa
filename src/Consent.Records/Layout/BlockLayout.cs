namespace Consent.Records.Layout;

/// <summary>Turns blocks into layout units for a column of a given width; the paginator then places them on pages.</summary>
sealed class BlockLayout(ITextMeasure measure, double width, double maxUnitHeight)
{
    public List<LayoutUnit> Units { get; } = [];

    public void Add(IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            Add(block, 0, width);
        }
    }

    void Add(Block block, double x, double w)
    {
        if (block.SpaceBefore > 0)
        {
            Units.Add(LayoutUnit.Space(block.SpaceBefore));
        }

        var first = Units.Count;
        switch (block)
        {
            case ParagraphBlock p:
                AddParagraph(p, x, w);
                break;
            case HeadingBlock h:
                AddHeading(h, x, w);
                break;
            case ListBlock l:
                AddList(l, x, w);
                break;
            case TableBlock t:
                AddTable(t, x, w);
                break;
            case ImageBlock i:
                AddImage(i, x, w);
                break;
            case SignatureBlock s:
                Units.Add(SignatureLayout.Build(s, measure, x, w));
                break;
            case QrBlock q:
                Units.Add(QrLayout.Build(q, measure, x, w));
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

    void AddParagraph(ParagraphBlock p, double x, double w)
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

            ops.AddRange(TextOps(line, textX, top));
            Units.Add(new LayoutUnit(line.Height + top + bottom, ops)
            {
                // Orphan and widow control: the first two and the last two lines stay together; every line of a paragraph kept together.
                KeepWithNext = lines.Count > 1 && (i == 0 || i == lines.Count - 2 || (p.KeepTogether && i < lines.Count - 1)),
                Tag = "line",
            });
        }
    }

    internal static IEnumerable<DrawOp> TextOps(TextLine line, double x, double top) =>
        line.Fragments.Select(f => (DrawOp)new TextOp(x + f.X, top + line.Baseline, f.Text, f.Style));

    void AddHeading(HeadingBlock h, double x, double w)
    {
        var style = Theme.Heading(h.Level);
        var lines = LineBreaker.Break([new Run(h.Text, style)], w, measure);
        for (var i = 0; i < lines.Count; i++)
        {
            var ops = TextOps(lines[i], x, 0).ToList();
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

    void AddList(ListBlock l, double x, double w)
    {
        const double hang = 14;
        for (var n = 0; n < l.Items.Count; n++)
        {
            var marker = l.Numbered ? $"{l.Start + n}." : "\u2022";
            var first = Units.Count;
            foreach (var child in l.Items[n])
            {
                Add(child, x + hang, w - hang);
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
                Units[index] = unit with { Ops = [.. unit.Ops, new TextOp(markerX, baseline, marker, markerStyle)] };
            }

            if (n < l.Items.Count - 1)
            {
                Units.Add(LayoutUnit.Space(2));
            }
        }
    }

    void AddTable(TableBlock t, double x, double w)
    {
        var total = t.ColumnWeights.Sum();
        var widths = t.ColumnWeights.Select(c => w * c / total).ToArray();
        IReadOnlyList<LayoutUnit>? header = null;
        if (t.Header is { } headerCells)
        {
            header = [.. TableRows.Build(headerCells, widths, t, measure, x, Theme.HeaderFill, maxUnitHeight, "table-header")];
            Units.AddRange(header.Select((u, i) => u with { KeepWithNext = true }));
        }

        for (var r = 0; r < t.Rows.Count; r++)
        {
            Rgb? fill = t.Zebra && r % 2 == 1 ? Theme.ZebraFill : null;
            var last = r == t.Rows.Count - 1;
            foreach (var unit in TableRows.Build(t.Rows[r], widths, t, measure, x, fill, maxUnitHeight, "table-row"))
            {
                Units.Add(unit with { RepeatHeader = header, KeepWithNext = unit.KeepWithNext || (t.KeepTogether && !last) });
            }
        }
    }

    void AddImage(ImageBlock i, double x, double w)
    {
        var scale = Math.Min(1, Math.Min(w / i.Width, maxUnitHeight / i.Height));
        Units.Add(new LayoutUnit(i.Height * scale, [new ImageOp(x, 0, i.Width * scale, i.Height * scale, i.Data)]) { Tag = "image" });
    }
}
