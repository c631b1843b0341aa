using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Consent.Records.Layout;

/// <summary>Draws laid-out pages (and their running header and footer) into a PDFsharp document.</summary>
static class PagePainter
{
    public static void Paint(
        PdfDocument document,
        IReadOnlyList<LaidOutPage> pages,
        PageGeometry geometry,
        PdfTextMeasure fonts,
        Func<int, int, IEnumerable<DrawOp>> furniture)
    {
        for (var i = 0; i < pages.Count; i++)
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(geometry.Width);
            page.Height = XUnit.FromPoint(geometry.Height);
            using var gfx = XGraphics.FromPdfPage(page, XGraphicsUnit.Point);
            foreach (var op in pages[i].Ops.Concat(furniture(i + 1, pages.Count)))
            {
                Draw(gfx, op, fonts);
            }
        }
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
