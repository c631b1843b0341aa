namespace Consent.Records.Layout;

/// <summary>One signer's block: the drawn signature scaled into a box over the signature line, details beside it.</summary>
static class SignatureLayout
{
    const double BoxHeight = 64;
    const double Pad = 8;

    /// <summary>
    /// The block as one unit tagged as <paramref name="group"/>: the strokes a figure with the block's alternative text, then
    /// the caption and each detail a paragraph; the panel and the signature line are artifacts.
    /// </summary>
    public static LayoutUnit Build(SignatureBlock s, ITextMeasure measure, double x, double w, StructureNode group)
    {
        var boxWidth = Math.Min(230, w * 0.45);
        var ops = new List<DrawOp>();
        var boxX = x + Pad;
        var boxY = Pad;

        var figure = new StructureNode("Figure", group) { Alt = s.Alt };
        ops.AddRange(Strokes(s.Strokes, boxX, boxY, boxWidth, BoxHeight).Select(op => op with { Node = figure }));
        if (s.Strokes.Count == 0)
        {
            var empty = new StructureNode("P", group);
            var style = Theme.Small.WithItalic();
            var lines = LineBreaker.Break([new Run(s.EmptyBoxText, style)], boxWidth, measure);
            var y = boxY + BoxHeight - 4 - lines.Sum(l => l.Height);
            foreach (var line in lines)
            {
                ops.AddRange(BlockLayout.TextOps(line, boxX + 2, y, empty));
                y += line.Height;
            }
        }

        var lineY = boxY + BoxHeight + 2;
        ops.Add(new LineOp(boxX, lineY, boxX + boxWidth, lineY, 0.8, Theme.Ink));
        var leftY = lineY + 3;
        var caption = new StructureNode("P", group);
        foreach (var line in LineBreaker.Break(s.Caption, boxWidth, measure))
        {
            ops.AddRange(BlockLayout.TextOps(line, boxX, leftY, caption));
            leftY += line.Height;
        }

        var detailsX = boxX + boxWidth + 18;
        var detailsWidth = x + w - Pad - detailsX;
        var rightY = boxY;
        foreach (var (label, value) in s.Details)
        {
            var detail = new StructureNode("P", group);
            foreach (var line in LineBreaker.Break([new Run(label, Theme.Caption)], detailsWidth, measure))
            {
                ops.AddRange(BlockLayout.TextOps(line, detailsX, rightY, detail));
                rightY += line.Height;
            }

            foreach (var line in LineBreaker.Break([new Run(value, Theme.Body)], detailsWidth, measure))
            {
                ops.AddRange(BlockLayout.TextOps(line, detailsX, rightY, detail));
                rightY += line.Height;
            }

            rightY += 3;
        }

        var height = Math.Max(leftY, rightY) + Pad;
        ops.Insert(0, new RectOp(x, 0, w, height, Theme.PanelFill, Theme.Rule, 0.5));
        return new LayoutUnit(height, ops) { Tag = "signature" };
    }

    /// <summary>Scales the strokes uniformly into the box (keeping their aspect ratio) and centres them.</summary>
    internal static IEnumerable<DrawOp> Strokes(IReadOnlyList<IReadOnlyList<(double X, double Y)>> strokes, double x, double y, double w, double h)
    {
        var points = strokes.SelectMany(p => p).ToList();
        if (points.Count == 0)
        {
            yield break;
        }

        var minX = points.Min(p => p.X);
        var maxX = points.Max(p => p.X);
        var minY = points.Min(p => p.Y);
        var maxY = points.Max(p => p.Y);
        var spanX = Math.Max(maxX - minX, 1e-9);
        var spanY = Math.Max(maxY - minY, 1e-9);
        const double inset = 4;
        var scale = Math.Min((w - 2 * inset) / spanX, (h - 2 * inset) / spanY);
        var offsetX = x + inset + ((w - 2 * inset) - spanX * scale) / 2;
        var offsetY = y + inset + ((h - 2 * inset) - spanY * scale) / 2;
        foreach (var stroke in strokes)
        {
            if (stroke.Count == 0)
            {
                continue;
            }

            var mapped = stroke.Select(p => (offsetX + (p.X - minX) * scale, offsetY + (p.Y - minY) * scale)).ToList();
            if (mapped.Count == 1)
            {
                // A tap is a dot: draw a tiny segment so round caps make it visible.
                mapped.Add((mapped[0].Item1 + 0.3, mapped[0].Item2));
            }

            yield return new PolylineOp(mapped, 1.4, Theme.SignatureInk);
        }
    }
}
