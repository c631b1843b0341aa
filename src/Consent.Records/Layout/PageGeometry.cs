namespace Consent.Records.Layout;

/// <summary>Paper size and margins, in points.</summary>
sealed record PageGeometry(double Width, double Height, double Left, double Right, double Top, double Bottom)
{
    public static PageGeometry For(PaperSize paper) => paper switch
    {
        PaperSize.Letter => new(612, 792, 54, 54, 68, 60),
        PaperSize.A4 => new(595.28, 841.89, 54, 54, 68, 60),
    };

    /// <summary>
    /// The one-page check-in record's page: the same paper and side margins, the running header and footer 12 points nearer
    /// the edges (still within what printers print), so everything a check-in record shows fits on one page.
    /// </summary>
    public PageGeometry Compact() => this with { Top = Top - 12, Bottom = Bottom - 12 };

    public double BodyWidth => Width - Left - Right;

    public double BodyHeight => Height - Top - Bottom;
}
