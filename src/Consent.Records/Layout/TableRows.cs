namespace Consent.Records.Layout;

/// <summary>
/// Lays out one table row; a row taller than a page is cut between lines into several units. Each cell's text is tagged
/// with its cell's structure element (TH or TD of one TR); fills and borders are artifacts.
/// </summary>
static class TableRows
{
    public static IEnumerable<LayoutUnit> Build(
        IReadOnlyList<TableCell> cells,
        double[] widths,
        TableBlock table,
        ITextMeasure measure,
        double x,
        Rgb? fill,
        double maxUnitHeight,
        string tag,
        IReadOnlyList<StructureNode> cellNodes)
    {
        var pad = table.CellPadding;
        var lines = new IReadOnlyList<TextLine>[widths.Length];
        for (var c = 0; c < widths.Length; c++)
        {
            lines[c] = c < cells.Count ? LineBreaker.Break(cells[c].Runs, widths[c] - 2 * pad, measure) : [];
        }

        var next = new int[widths.Length];
        var isHeader = tag == "table-header";
        while (true)
        {
            var ops = new List<DrawOp>();
            double height = 0;
            var cellX = x;
            for (var c = 0; c < widths.Length; c++)
            {
                double y = pad;
                while (next[c] < lines[c].Count && y + lines[c][next[c]].Height <= maxUnitHeight - pad)
                {
                    ops.AddRange(BlockLayout.TextOps(lines[c][next[c]], cellX + pad, y, cellNodes[c]));
                    y += lines[c][next[c]].Height;
                    next[c]++;
                }

                height = Math.Max(height, y + pad);
                cellX += widths[c];
            }

            var width = widths.Sum();
            if (fill is { } f)
            {
                ops.Insert(0, new RectOp(x, 0, width, height, f));
            }

            if (table.Borders)
            {
                ops.Add(new LineOp(x, height, x + width, height, isHeader ? 0.9 : 0.4, isHeader ? Theme.Accent : Theme.Rule));
            }

            var done = next.Select((n, c) => n >= lines[c].Count).All(d => d);
            yield return new LayoutUnit(height, ops) { Tag = tag, KeepWithNext = !done };
            if (done)
            {
                yield break;
            }
        }
    }
}
