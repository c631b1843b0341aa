using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Consent.Records;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Records;

/// <summary><c>GET /api/v1/exports/records.zip</c>: the signed PDFs, a manifest whose hashes match them, and the certificate.</summary>
public sealed class RecordExportTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task TheExport_HoldsEveryRecord_WithManifestHashesMatchingThePdfs_AndTheCertificate()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var english = await RecordSessions.CompleteAsync(driver);
        var spanish = await RecordSessions.CompleteAsync(driver, "es", "esketamine-nasal-trd");
        var declined = await driver.StartAsync();
        var patient = await driver.VerifyAsync(declined);
        await patient.PostAsJsonAsync($"/api/v1/patient/{declined.Token}/decline", new { reason = "Not now." });
        foreach (var (session, kind) in new[] { (english, "Consent"), (spanish, "Consent"), (declined, "DeclinedSummary") })
        {
            await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id, kind);
        }

        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using var zip = await ExportAsync(auditor, "/api/v1/exports/records.zip");

        var manifest = Manifest(zip);
        Assert.Equal(manifest.Count, zip.Entries.Count(e => e.FullName.StartsWith("records/", StringComparison.Ordinal)));
        Assert.Equal(3, manifest.Count(l => new[] { english.Id, spanish.Id, declined.Id }.Select(id => id.ToString()).Contains(l["session_id"])));
        using var certificate = X509Certificate2.CreateFromPem(Read(zip, "certificate.pem"));
        foreach (var line in manifest)
        {
            var pdf = Bytes(zip, line["file"]);
            Assert.Equal(line["sha256"], RecordSessions.Sha256(pdf));
            var verification = RecordVerifier.Verify(pdf, certificate);
            Assert.True(verification.IsValid, string.Join("; ", verification.Problems));
            Assert.Equal(line["session_id"], verification.SessionId.ToString());
            Assert.Equal(line["kind"], verification.Kind.ToString());
        }

        var spanishLine = manifest.Single(l => l["session_id"] == spanish.Id.ToString());
        // A start without a version takes the newest approved one: esketamine's version 3 (key information first) since it shipped.
        Assert.Equal(("esketamine-nasal-trd", "3", "Completed"), (spanishLine["workflow_id"], spanishLine["workflow_version"], spanishLine["session_status"]));
        Assert.NotEqual("", spanishLine["completed_at"]);
        Assert.Equal("Declined", manifest.Single(l => l["kind"] == "DeclinedSummary")["session_status"]);
        Assert.Contains("verify-record", Read(zip, "README.txt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filters_SelectByWorkflowAndIssueTime_AndABackwardsPeriodIsA400()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver, workflowId: "ketamine-chronic-pain");
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);

        using (var pain = await ExportAsync(auditor, "/api/v1/exports/records.zip?workflowId=ketamine-chronic-pain"))
        {
            Assert.All(Manifest(pain), l => Assert.Equal("ketamine-chronic-pain", l["workflow_id"]));
            Assert.Contains(Manifest(pain), l => l["session_id"] == session.Id.ToString());
        }

        var future = DateTimeOffset.UtcNow.AddDays(1).ToString("O");
        using (var none = await ExportAsync(auditor, $"/api/v1/exports/records.zip?from={Uri.EscapeDataString(future)}"))
        {
            Assert.Empty(Manifest(none));
            Assert.Equal(["README.txt", "certificate.pem", "manifest.csv"], none.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        var backwards = await auditor.GetAsync($"/api/v1/exports/records.zip?from={Uri.EscapeDataString(future)}&to=2020-01-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("application/problem+json", backwards.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Downloads an export to a temporary file (as a browser would) and opens it.</summary>
    internal static async Task<ZipArchive> ExportAsync(HttpClient auditor, string url)
    {
        using var response = await auditor.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".zip", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N") + ".zip");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var file = File.Create(path))
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(file);
        }

        return new ZipArchive(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.DeleteOnClose), ZipArchiveMode.Read);
    }

    internal static List<Dictionary<string, string>> Manifest(ZipArchive zip)
    {
        var lines = Read(zip, "manifest.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(Consent.Web.SignedRecords.RecordExport.ManifestHeader, lines[0]);
        return [.. lines.Skip(1).Select(line => header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second))];
    }

    internal static byte[] Bytes(ZipArchive zip, string name)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    internal static string Read(ZipArchive zip, string name) => System.Text.Encoding.UTF8.GetString(Bytes(zip, name));
}
