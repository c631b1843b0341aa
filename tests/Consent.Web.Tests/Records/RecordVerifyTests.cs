using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Consent.Records.Tests.Infrastructure;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary><c>POST /api/v1/records/verify</c>: an auditor uploads a PDF and learns what it is; bad uploads are problems, never 500s.</summary>
public sealed class RecordVerifyTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task TheStoredRecord_UploadedAsAFile_IsValid_ForItsSession_WithAVerifiedChain()
    {
        var (session, pdf) = await IssuedAsync();
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "record.pdf");

        var report = await ReportAsync(await auditor.PostAsync("/api/v1/records/verify", form));

        Assert.True(report["valid"]!.GetValue<bool>(), report.ToJsonString());
        Assert.True(report["signature"]!["intact"]!.GetValue<bool>());
        Assert.Equal("ETSI.CAdES.detached", report["signature"]!["subFilter"]!.GetValue<string>());
        Assert.True(report["certificate"]!["trusted"]!.GetValue<bool>());
        Assert.Equal(session.Id, report["session"]!["id"]!.GetValue<Guid>());
        Assert.Equal("Consent", report["session"]!["kind"]!.GetValue<string>());
        Assert.Equal("Completed", report["session"]!["status"]!.GetValue<string>());
        Assert.True(report["storedRecord"]!["matches"]!.GetValue<bool>());
        Assert.True(report["chain"]!["verified"]!.GetValue<bool>());
        Assert.True(report["chain"]!["recordIssuedLogged"]!.GetValue<bool>());
        Assert.Equal(RecordSessions.Sha256(pdf), report["fileSha256"]!.GetValue<string>());
        Assert.Empty(report["problems"]!.AsArray());
    }

    [Fact]
    public async Task TheRecordSentAsAPdfBody_IsValidToo()
    {
        var (_, pdf) = await IssuedAsync();
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var report = await ReportAsync(await auditor.PostAsync("/api/v1/records/verify", Pdf(pdf)));

        Assert.True(report["valid"]!.GetValue<bool>(), report.ToJsonString());
    }

    [Fact]
    public async Task OneChangedByte_IsReportedAsNotIntact_AndNotTheStoredRecord()
    {
        var (_, pdf) = await IssuedAsync();
        var tampered = (byte[])pdf.Clone();
        var at = tampered.AsSpan().IndexOf("Consent given"u8);
        tampered[at > 0 ? at : tampered.Length / 2] ^= 0x01;
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var report = await ReportAsync(await auditor.PostAsync("/api/v1/records/verify", Pdf(tampered)));

        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.False(report["signature"]!["intact"]!.GetValue<bool>());
        Assert.False(report["storedRecord"]!["matches"]!.GetValue<bool>());
        Assert.NotEmpty(report["problems"]!.AsArray());
    }

    /// <summary>The session a record names is read from what its signature covers, never from an update appended later.</summary>
    [Fact]
    public async Task AnIncrementalUpdate_NamingAnotherSession_IsReportedForTheSignedSession_WithItsUnsignedBytes()
    {
        var (session, pdf) = await IssuedAsync();
        var other = await (await PatientDriver.CreateAsync(factory)).StartAsync();
        var updated = PdfEdits.AppendInfoUpdate(pdf, $"/ConsentSessionId({other.Id})/ConsentRecordKind(Withdrawal)");
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var report = await ReportAsync(await auditor.PostAsync("/api/v1/records/verify", Pdf(updated)));

        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.Equal(session.Id, report["session"]!["id"]!.GetValue<Guid>());
        Assert.Equal("Consent", report["session"]!["kind"]!.GetValue<string>());
        Assert.False(report["signature"]!["intact"]!.GetValue<bool>());
        Assert.Equal(updated.Length - pdf.Length, report["signature"]!["unsignedBytes"]!.GetValue<long>());
        Assert.Contains(report["problems"]!.AsArray(), p => p!.GetValue<string>().Contains("appended", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a pdf at all")]
    [InlineData("%PDF-1.7\n/ByteRange [0 10 20 999999999] /Contents <zz>\n%%EOF")]
    [InlineData("%PDF-1.4\n1 0 obj << /ConsentSessionId (00000000-0000-0000-0000-000000000000) >> endobj\n%%EOF")]
    public async Task Garbage_IsAnInvalidReport_NeverAServerError(string content)
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var response = await auditor.PostAsync("/api/v1/records/verify", Pdf(System.Text.Encoding.ASCII.GetBytes(content)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await ReportAsync(response);
        Assert.False(report["valid"]!.GetValue<bool>());
        Assert.NotEmpty(report["problems"]!.AsArray());
    }

    [Fact]
    public async Task AnEmptyUpload_IsA400_ATooLargeOne_IsA413_AndJsonIsA415()
    {
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        var empty = await auditor.PostAsync("/api/v1/records/verify", Pdf([]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("application/problem+json", empty.Content.Headers.ContentType?.MediaType);

        var big = new byte[Consent.Web.Api.RecordsApi.MaxUploadBytes + 1];
        var raw = await auditor.PostAsync("/api/v1/records/verify", Pdf(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, raw.StatusCode);
        Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);

        var json = await auditor.PostAsync("/api/v1/records/verify", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);

        using var form = new MultipartFormDataContent { { new ByteArrayContent(big), "file", "big.pdf" } };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await auditor.PostAsync("/api/v1/records/verify", form)).StatusCode);
    }

    private async Task<(StartedSession Session, byte[] Pdf)> IssuedAsync()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        return (session, await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id));
    }

    private static ByteArrayContent Pdf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return content;
    }

    private static async Task<JsonObject> ReportAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }
}
