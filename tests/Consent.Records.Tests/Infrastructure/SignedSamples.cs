namespace Consent.Records.Tests.Infrastructure;

/// <summary>Signed records shared by tests (rendering and signing once per run).</summary>
static class SignedSamples
{
    static readonly Lazy<byte[]> English = new(() => ConsentRecordPdf.RenderSigned(SampleRecords.Full("en"), new RecordSigner(Certificates.Ecdsa)));
    static readonly Lazy<byte[]> Spanish = new(() => ConsentRecordPdf.RenderSigned(SampleRecords.Full("es"), new RecordSigner(Certificates.Ecdsa)));

    public static byte[] Pdf(string language = "en") => (language == "es" ? Spanish : English).Value;
}
