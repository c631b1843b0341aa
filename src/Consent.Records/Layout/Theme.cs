namespace Consent.Records.Layout;

/// <summary>The record's typography and colours, in one place.</summary>
static class Theme
{
    public static readonly Rgb Ink = new(0x1F, 0x25, 0x2E);
    public static readonly Rgb Muted = new(0x5A, 0x64, 0x72);
    public static readonly Rgb Accent = new(0x1B, 0x4F, 0x7A);
    public static readonly Rgb Rule = new(0xC5, 0xCD, 0xD6);
    public static readonly Rgb HeaderFill = new(0xE4, 0xEC, 0xF4);
    public static readonly Rgb ZebraFill = new(0xF5, 0xF7, 0xF9);
    public static readonly Rgb PanelFill = new(0xF3, 0xF6, 0xF9);
    public static readonly Rgb AcknowledgedFill = new(0xEA, 0xF4, 0xEC);
    public static readonly Rgb AcknowledgedBar = new(0x2E, 0x7D, 0x4F);
    public static readonly Rgb AlertFill = new(0xFB, 0xEF, 0xE6);
    public static readonly Rgb AlertBar = new(0xB4, 0x53, 0x09);
    public static readonly Rgb SignatureInk = new(0x0B, 0x2A, 0x5B);

    public static readonly TextStyle Body = new(9.5, Color: Ink);
    public static readonly TextStyle Small = new(8, Color: Muted);
    public static readonly TextStyle Caption = new(8, Bold: true, Color: Muted);
    public static readonly TextStyle TableText = new(8.5, Color: Ink);
    public static readonly TextStyle TableHeader = new(8.5, Bold: true, Color: Ink);
    public static readonly TextStyle Title = new(18, Bold: true, Color: Accent);
    /// <summary>The clinic's-language wording beside the patient's: grey and italic, so it never reads as what the patient saw.</summary>
    public static readonly TextStyle ClinicWording = new(8, Italic: true, Color: Muted);
    public static readonly Rgb ClinicWordingFill = new(0xF1, 0xF1, 0xF3);
    public static readonly TextStyle Subtitle = new(11.5, Color: Ink);

    public static TextStyle Heading(int level) => level switch
    {
        1 => new TextStyle(12.5, Bold: true, Color: Accent),
        2 => new TextStyle(10.5, Bold: true, Color: Ink),
        _ => new TextStyle(9.5, Bold: true, Color: Ink),
    };
}
