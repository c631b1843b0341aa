namespace Consent.Records;

/// <summary>The paper a record is laid out for.</summary>
public enum PaperSize
{
    /// <summary>US Letter, 8.5 × 11 in (the default).</summary>
    Letter,

    /// <summary>ISO A4, 210 × 297 mm.</summary>
    A4,
}
