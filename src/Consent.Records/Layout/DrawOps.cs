namespace Consent.Records.Layout;

/// <summary>One thing to draw, in points, y growing downwards.</summary>
abstract record DrawOp
{
    /// <summary>The structure element this belongs to (tagged PDF); null for an artifact: a background, a rule, a border.</summary>
    public StructureNode? Node { get; init; }

    public abstract DrawOp Offset(double dx, double dy);
}

/// <summary>Text drawn with its baseline at <see cref="Baseline"/>.</summary>
sealed record TextOp(double X, double Baseline, string Text, TextStyle Style) : DrawOp
{
    public override DrawOp Offset(double dx, double dy) => this with { X = X + dx, Baseline = Baseline + dy };
}

/// <summary>A straight line.</summary>
sealed record LineOp(double X1, double Y1, double X2, double Y2, double Width, Rgb Color) : DrawOp
{
    public override DrawOp Offset(double dx, double dy) => this with { X1 = X1 + dx, Y1 = Y1 + dy, X2 = X2 + dx, Y2 = Y2 + dy };
}

/// <summary>A rectangle, filled and/or stroked.</summary>
sealed record RectOp(double X, double Y, double Width, double Height, Rgb? Fill, Rgb? Stroke = null, double StrokeWidth = 0.5) : DrawOp
{
    public override DrawOp Offset(double dx, double dy) => this with { X = X + dx, Y = Y + dy };
}

/// <summary>Connected line segments, drawn with round caps and joins (a signature stroke).</summary>
sealed record PolylineOp(IReadOnlyList<(double X, double Y)> Points, double Width, Rgb Color) : DrawOp
{
    public override DrawOp Offset(double dx, double dy) => this with { Points = [.. Points.Select(p => (p.X + dx, p.Y + dy))] };
}

/// <summary>An image (PNG or JPEG bytes) scaled into a box.</summary>
sealed record ImageOp(double X, double Y, double Width, double Height, byte[] Image) : DrawOp
{
    public override DrawOp Offset(double dx, double dy) => this with { X = X + dx, Y = Y + dy };
}

/// <summary>
/// A QR code's modules (<c>true</c> = dark), each <see cref="Module"/> points square, drawn as vector
/// rectangles filled as one path, so no hairline seams show between neighbouring modules.
/// </summary>
sealed record QrModulesOp(double X, double Y, double Module, IReadOnlyList<IReadOnlyList<bool>> Modules, Rgb Color) : DrawOp
{
    public override DrawOp Offset(double dx, double dy) => this with { X = X + dx, Y = Y + dy };

    /// <summary>The dark modules merged into horizontal runs: (row, first column, length).</summary>
    public IEnumerable<(int Row, int Column, int Length)> Runs()
    {
        for (var row = 0; row < Modules.Count; row++)
        {
            var line = Modules[row];
            for (var column = 0; column < line.Count;)
            {
                if (!line[column])
                {
                    column++;
                    continue;
                }

                var start = column;
                while (column < line.Count && line[column])
                {
                    column++;
                }

                yield return (row, start, column - start);
            }
        }
    }
}
