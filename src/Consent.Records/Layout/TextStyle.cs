namespace Consent.Records.Layout;

/// <summary>A colour as 8-bit RGB, independent of the drawing library.</summary>
readonly record struct Rgb(byte R, byte G, byte B);

/// <summary>How a run of text looks: size in points, weight, slant and colour.</summary>
sealed record TextStyle(double Size, bool Bold = false, bool Italic = false, Rgb Color = default)
{
    /// <summary>Line spacing as a multiple of the font size.</summary>
    public const double Leading = 1.3;

    // Liberation Sans: ascender 0.905 em, descender 0.212 em.
    const double AscentEm = 0.905;
    const double DescentEm = 0.212;

    public double LineHeight => Size * Leading;

    /// <summary>Distance from the top of a line box to the baseline, with the extra leading split above and below.</summary>
    public double Baseline => (LineHeight - Size * (AscentEm + DescentEm)) / 2 + Size * AscentEm;

    public TextStyle WithBold(bool bold = true) => this with { Bold = bold };

    public TextStyle WithItalic(bool italic = true) => this with { Italic = italic };
}

/// <summary>A piece of text in one style.</summary>
sealed record Run(string Text, TextStyle Style);

/// <summary>Measures the advance width of text, in points.</summary>
interface ITextMeasure
{
    double Width(string text, TextStyle style);
}
