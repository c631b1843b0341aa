using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Records.Tests.Infrastructure;
using Consent.Web.SignedRecords;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary>
/// After the clinic rotates its signing certificate, records signed with the earlier one stay
/// trusted when Signing:PreviousCertificatesPath names it; a certificate it does not name is not.
/// </summary>
public sealed class CertificateRotationTests(RotatedCertificateFactory factory) : IClassFixture<RotatedCertificateFactory>
{
    [Fact]
    public async Task ARecordSignedWithTheEarlierCertificate_IsTrusted_AndTheCertificateEndpointListsBoth()
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var report = await VerifyAsync(auditor, Sign(factory.EarlierCertificatePfx));
        Assert.True(report["signature"]!["valid"]!.GetValue<bool>());
        Assert.True(report["certificate"]!["trusted"]!.GetValue<bool>(), report.ToJsonString());

        using var anonymous = factory.CreateClient();
        var pem = await anonymous.GetStringAsync("/api/v1/records/certificate");
        var listed = new X509Certificate2Collection();
        listed.ImportFromPem(pem);
        Assert.Equal(2, listed.Count);
        using var earlier = X509CertificateLoader.LoadPkcs12FromFile(factory.EarlierCertificatePfx, null);
        Assert.Equal(earlier.Thumbprint, listed[1].Thumbprint);
    }

    [Fact]
    public async Task ARecordSignedWithAnUnlistedCertificate_IsNotTrusted()
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var stranger = Path.Combine(factory.DataDirectory, "stranger.pfx");
        RecordSigning.CreateFile(stranger, "Someone else's records", null);
        var report = await VerifyAsync(auditor, Sign(stranger));
        Assert.True(report["signature"]!["valid"]!.GetValue<bool>());
        Assert.False(report["certificate"]!["trusted"]!.GetValue<bool>());
        Assert.False(report["valid"]!.GetValue<bool>());
    }

    private static byte[] Sign(string pfx)
    {
        using var certificate = SigningCertificates.Load(pfx, null);
        return ConsentRecordPdf.RenderSigned(SampleRecords.Full("en"), new RecordSigner(certificate));
    }

    private static async Task<JsonObject> VerifyAsync(HttpClient auditor, byte[] pdf)
    {
        using var content = new ByteArrayContent(pdf);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        var response = await auditor.PostAsync("/api/v1/records/verify", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }
}

/// <summary>The service after a rotation: a new current certificate, and the earlier one named as still trusted.</summary>
public sealed class RotatedCertificateFactory : RecordsWebFactory
{
    public RotatedCertificateFactory()
    {
        Directory.CreateDirectory(DataDirectory);
        EarlierCertificatePfx = Path.Combine(DataDirectory, "earlier.pfx");
        RecordSigning.CreateFile(EarlierCertificatePfx, "Riverside Ketamine Clinic records 2025", null);
        using var earlier = SigningCertificates.Load(EarlierCertificatePfx, null);
        EarlierCertificatesPem = Path.Combine(DataDirectory, "earlier.pem");
        File.WriteAllText(EarlierCertificatesPem, SigningCertificates.ExportPublicPem(earlier));
    }

    public string EarlierCertificatePfx { get; }

    public string EarlierCertificatesPem { get; }

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Signing:PreviousCertificatesPath"] = EarlierCertificatesPem,
    };
}
