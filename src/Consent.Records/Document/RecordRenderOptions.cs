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

    /// <summary>
    /// Files embedded in the record as PDF/A-3 associated files (ISO 32000-2, 14.13; <c>/AF</c> on the catalog), inside
    /// what the signature covers: the service embeds the session's event chain up to the record, the FHIR bundle and
    /// the certificate chain, so the record can be checked with nothing beside it.
    /// </summary>
    public IReadOnlyList<RecordAttachment> Attachments { get; init; } = [];
}

/// <summary>A file embedded in a record.</summary>
/// <param name="FileName">Its name, as <c>pdfdetach -list</c> shows it (ASCII).</param>
/// <param name="MediaType">Its MIME type, e.g. <c>application/fhir+json</c>.</param>
/// <param name="Description">What it is, in a sentence.</param>
/// <param name="Relationship">PDF/A-3 /AFRelationship: <c>Source</c>, <c>Data</c>, <c>Supplement</c> or <c>Unspecified</c>.</param>
/// <param name="Content">The bytes.</param>
public sealed record RecordAttachment(string FileName, string MediaType, string Description, string Relationship, byte[] Content)
{
    /// <summary>The name the session's canonical event chain is embedded under (one canonical JSON event per line).</summary>
    public const string EventChainName = "event-chain.jsonl";

    /// <summary>The name the FHIR R4 bundle is embedded under.</summary>
    public const string FhirBundleName = "fhir-bundle.json";

    /// <summary>The name the signing certificate chain is embedded under (PEM).</summary>
    public const string CertificatesName = "certificates.pem";
}
