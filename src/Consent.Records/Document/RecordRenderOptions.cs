namespace Consent.Records;

/// <summary>How a record is laid out.</summary>
public sealed record RecordRenderOptions
{
    /// <summary>The default: US Letter, labels in the session language, no check page.</summary>
    public static RecordRenderOptions Default { get; } = new();

    /// <summary>Paper size; US Letter unless the clinic prefers A4.</summary>
    public PaperSize Paper { get; init; } = PaperSize.Letter;

    /// <summary>Labels to use instead of those of the session language.</summary>
    public RecordLabels? Labels { get; init; }

    /// <summary>
    /// The absolute http(s) address of the issuing service's public check page (for example
    /// <c>https://consent.example.org/check</c>), printed on the first page as a QR code and as text,
    /// so that whoever holds the record can check it; none, no code. It must name nothing of the
    /// record (no session, no patient): the same address is printed on every record.
    /// </summary>
    public string? CheckUrl { get; init; }
}
