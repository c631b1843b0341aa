namespace Consent.Records.Tests.Infrastructure;

/// <summary>Signed records shared by tests (rendering and signing once per run), issued as the service issues them: with its check page's QR code.</summary>
static class SignedSamples
{
    /// <summary>The public check page the samples print (the service prints <c>{Consent:PublicBaseUrl}/check</c>).</summary>
    public const string CheckUrl = "https://consent.example.org/check";

    public static RecordRenderOptions Options { get; } = new() { CheckUrl = CheckUrl };

    static readonly Lazy<byte[]> English = new(() => ConsentRecordPdf.RenderSigned(SampleRecords.Full("en"), new RecordSigner(Certificates.Ecdsa), Options));
    static readonly Lazy<byte[]> Spanish = new(() => ConsentRecordPdf.RenderSigned(SampleRecords.Full("es"), new RecordSigner(Certificates.Ecdsa), Options));

    public static byte[] Pdf(string language = "en") => (language == "es" ? Spanish : English).Value;
}
