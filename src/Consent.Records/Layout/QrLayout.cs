namespace Consent.Records.Layout;

/// <summary>A QR code on a white square at the left of a light panel, its caption beside it.</summary>
static class QrLayout
{
    /// <summary>The code's side, quiet zone included: about 24 mm, which phone cameras read from a printed page.</summary>
    internal const double Side = 68;
    const double Pad = 8;
    static readonly Rgb White = new(0xFF, 0xFF, 0xFF);

    /// <summary>The panel as one unit tagged as <paramref name="group"/>: the code a figure with the block's alternative text, the caption a paragraph.</summary>
    public static LayoutUnit Build(QrBlock q, ITextMeasure measure, double x, double w, StructureNode group)
    {
        var module = Side / q.Modules.Count;
        var ops = new List<DrawOp>
        {
            new RectOp(x + Pad, Pad, Side, Side, White),
            new QrModulesOp(x + Pad, Pad, module, q.Modules, Theme.Ink) { Node = new StructureNode("Figure", group) { Alt = q.Alt } },
        };
        var caption = new StructureNode("P", group);
        var textX = x + Pad + Side + 14;
        var y = Pad;
        foreach (var line in LineBreaker.Break(q.Caption, x + w - Pad - textX, measure))
        {
            ops.AddRange(BlockLayout.TextOps(line, textX, y, caption));
            y += line.Height;
        }

        var height = Math.Max(Side, y - Pad) + (2 * Pad);
        ops.Insert(0, new RectOp(x, 0, w, height, Theme.PanelFill, Theme.Rule, 0.5));
        return new LayoutUnit(height, ops) { Tag = "qr" };
    }
}
