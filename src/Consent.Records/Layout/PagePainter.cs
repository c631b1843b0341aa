using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.UniversalAccessibility;

namespace Consent.Records.Layout;

/// <summary>
/// Draws laid-out pages (and their running header and footer) into a PDFsharp document, tagged through PDFsharp's
/// <see cref="StructureBuilder"/>: each operation's <see cref="DrawOp.Node"/> is opened as a structure element (its
/// enclosing elements first) before it is drawn, so the structure tree follows the painting order, which is the reading
/// order; operations without one, and the header and footer, are drawn as artifacts.
/// </summary>
static class PagePainter
{
    public static void Paint(
        PdfDocument document,
        IReadOnlyList<LaidOutPage> pages,
        PageGeometry geometry,
        PdfTextMeasure fonts,
        Func<int, int, IEnumerable<DrawOp>> furniture,
        StructureBuilder structure)
    {
        var open = new List<StructureNode>();
        for (var i = 0; i < pages.Count; i++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(geometry.Width);
            page.Height = XUnit.FromPoint(geometry.Height);
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsUnit.Point);
            var figures = FigureBounds(pages[i].Ops, geometry.Height);
            var inArtifact = false;
            foreach (var op in pages[i].Ops)
            {
                if (op.Node is { } node)
                {
                    if (inArtifact)
                    {
                        structure.End();
                        inArtifact = false;
                    }

                    Enter(structure, open, node, figures);
                }
                else if (!inArtifact)
                {
                    structure.BeginArtifact();
                    inArtifact = true;
                }

                Draw(gfx, op, fonts);
            }

            // The running header and footer: one artifact per page (ISO 14289-1 7.8, pagination artifacts).
            if (!inArtifact)
            {
                structure.BeginArtifact();
            }

            foreach (var op in furniture(i + 1, pages.Count))
            {
                Draw(gfx, op, fonts);
            }

            structure.End();
            structure.EndMarkedContentsWithId();
        }

        // Elements still open at the end of the body (the last paragraph, its enclosing list) end here.
        for (var i = open.Count - 1; i >= 0; i--)
        {
            structure.End();
        }
    }

    /// <summary>Ends the open elements that do not enclose <paramref name="node"/>, then begins its enclosing elements and itself.</summary>
    static void Enter(StructureBuilder structure, List<StructureNode> open, StructureNode node, Dictionary<StructureNode, XRect> figures)
    {
        if (open.Count > 0 && ReferenceEquals(open[^1], node))
        {
            return;
        }

        while (open.Count > 0 && !open[^1].Encloses(node))
        {
            structure.End();
            open.RemoveAt(open.Count - 1);
        }

        var path = new List<StructureNode>();
        for (var n = node; n is not null && (open.Count == 0 || !ReferenceEquals(n, open[^1])); n = n.Parent)
        {
            path.Add(n);
        }

        for (var i = path.Count - 1; i >= 0; i--)
        {
            var element = path[i];
            if (element.Role == "Figure")
            {
                structure.BeginElement(PdfIllustrationElementTag.Figure, element.Alt ?? "", figures.GetValueOrDefault(element));
            }
            else if (element.Role is "Div" or "Sect" or "Part" or "Art")
            {
                structure.BeginGroupingElement(element.Role);
            }
            else
            {
                structure.BeginBlockLevelElement(element.Role);
            }

            if (element.Lang is { } lang)
            {
                structure.SetLanguage(lang);
            }

            open.Add(element);
        }
    }

    /// <summary>Each figure's bounding box on the page, in PDF user space (y up), for its /BBox layout attribute.</summary>
    static Dictionary<StructureNode, XRect> FigureBounds(IReadOnlyList<DrawOp> ops, double pageHeight)
    {
        var bounds = new Dictionary<StructureNode, XRect>(ReferenceEqualityComparer.Instance);
        foreach (var op in ops)
        {
            if (op.Node is not { Role: "Figure" } figure)
            {
                continue;
            }

            var box = op switch
            {
                ImageOp i => new XRect(i.X, i.Y, i.Width, i.Height),
                QrModulesOp q => new XRect(q.X, q.Y, q.Module * q.Modules.Count, q.Module * q.Modules.Count),
                PolylineOp { Points.Count: > 0 } p => Around(p),
                _ => XRect.Empty,
            };
            if (box.IsEmpty)
            {
                continue;
            }

            var pdf = new XRect(box.X, pageHeight - box.Bottom, box.Width, box.Height);
            bounds[figure] = bounds.TryGetValue(figure, out var seen) ? XRect.Union(seen, pdf) : pdf;
        }

        return bounds;
    }

    static XRect Around(PolylineOp p)
    {
        var (minX, minY, maxX, maxY) = (double.MaxValue, double.MaxValue, double.MinValue, double.MinValue);
        foreach (var (x, y) in p.Points)
        {
            (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
        }

        var half = p.Width / 2;
        return new XRect(minX - half, minY - half, maxX - minX + p.Width, maxY - minY + p.Width);
    }

    static void Draw(XGraphics gfx, DrawOp op, PdfTextMeasure fonts)
    {
        switch (op)
        {
            case TextOp t:
                gfx.DrawString(t.Text, fonts.Font(t.Style), new XSolidBrush(Color(t.Style.Color)), t.X, t.Baseline);
                break;
            case LineOp l:
                gfx.DrawLine(new XPen(Color(l.Color), l.Width), l.X1, l.Y1, l.X2, l.Y2);
                break;
            case RectOp r:
                var rect = new XRect(r.X, r.Y, r.Width, r.Height);
                if (r.Fill is { } fill && r.Stroke is { } stroke)
                {
                    gfx.DrawRectangle(new XPen(Color(stroke), r.StrokeWidth), new XSolidBrush(Color(fill)), rect);
                }
                else if (r.Fill is { } fillOnly)
                {
                    gfx.DrawRectangle(new XSolidBrush(Color(fillOnly)), rect);
                }
                else if (r.Stroke is { } strokeOnly)
                {
                    gfx.DrawRectangle(new XPen(Color(strokeOnly), r.StrokeWidth), rect);
                }

                break;
            case PolylineOp p when p.Points.Count > 1:
                var pen = new XPen(Color(p.Color), p.Width) { LineCap = XLineCap.Round, LineJoin = XLineJoin.Round };
                gfx.DrawLines(pen, [.. p.Points.Select(q => new XPoint(q.X, q.Y))]);
                break;
            case PolylineOp:
                break;
            case QrModulesOp q:
                var path = new XGraphicsPath { FillMode = XFillMode.Winding };
                foreach (var (row, column, length) in q.Runs())
                {
                    path.AddRectangle(q.X + (column * q.Module), q.Y + (row * q.Module), length * q.Module, q.Module);
                }

                gfx.DrawPath(new XSolidBrush(Color(q.Color)), path);
                break;
            case ImageOp i:
                using (var stream = new MemoryStream(i.Image, writable: false))
                using (var image = XImage.FromStream(stream))
                {
                    gfx.DrawImage(image, i.X, i.Y, i.Width, i.Height);
                }

                break;
            default:
                throw new NotSupportedException(op.GetType().Name);
        }
    }

    static XColor Color(Rgb c) => XColor.FromArgb(c.R, c.G, c.B);
}
