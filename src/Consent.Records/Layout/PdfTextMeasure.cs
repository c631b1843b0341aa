using Consent.Records.Fonts;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Consent.Records.Layout;

/// <summary>Measures and supplies fonts for one rendering; not shared between threads.</summary>
sealed class PdfTextMeasure : ITextMeasure, IDisposable
{
    readonly Dictionary<(double, bool, bool), XFont> _fonts = [];
    readonly XGraphics _graphics;

    public PdfTextMeasure()
    {
        RecordFonts.EnsureInstalled();
        _graphics = XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
    }

    public XFont Font(TextStyle style)
    {
        var key = (style.Size, style.Bold, style.Italic);
        if (!_fonts.TryGetValue(key, out var font))
        {
            var fontStyle = (style.Bold ? XFontStyleEx.Bold : XFontStyleEx.Regular) | (style.Italic ? XFontStyleEx.Italic : XFontStyleEx.Regular);
            // Unicode encoding gives every font a ToUnicode map, so text copies and extracts exactly.
            font = new XFont(RecordFonts.Family, style.Size, fontStyle, new XPdfFontOptions(PdfFontEncoding.Unicode));
            _fonts[key] = font;
        }

        return font;
    }

    public double Width(string text, TextStyle style) =>
        text.Length == 0 ? 0 : _graphics.MeasureString(text, Font(style)).Width;

    public void Dispose() => _graphics.Dispose();
}
