namespace Consent.Records.Layout;

/// <summary>Paper size and margins, in points.</summary>
sealed record PageGeometry(double Width, double Height, double Left, double Right, double Top, double Bottom)
{
    public static PageGeometry For(PaperSize paper) => paper switch
    {
        PaperSize.Letter => new(612, 792, 54, 54, 68, 60),
        PaperSize.A4 => new(595.28, 841.89, 54, 54, 68, 60),
    };

    public double BodyWidth => Width - Left - Right;

    public double BodyHeight => Height - Top - Bottom;
}
