namespace Consent.Records;

/// <summary>How a record is laid out.</summary>
public sealed record RecordRenderOptions
{
    /// <summary>The default: US Letter, labels in the session language.</summary>
    public static RecordRenderOptions Default { get; } = new();

    /// <summary>Paper size; US Letter unless the clinic prefers A4.</summary>
    public PaperSize Paper { get; init; } = PaperSize.Letter;

    /// <summary>Labels to use instead of those of the session language.</summary>
    public RecordLabels? Labels { get; init; }
}
