using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The auditor exports the records of a period picked on the export page (a dated export answered
/// 500 once) and opens the ZIP: the manifest names the session's record, the file is there with
/// that SHA-256, and the README states the period.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class AuditorExportTests(ServiceHost host)
{
    [Fact]
    public async Task Auditor_ExportsTodaysRecords_AndTheZipHoldsTheRecordTheManifestNames()
    {
        var session = await StaffApi.StartAsync(host, Patient.English, "en");
        await DeclineAsync(session);
        using (var clinician = await StaffApi.ClinicianClientAsync(host))
        {
            await Deadline.UntilAsync("the record of the decline", async () =>
                (await clinician.GetAsync($"/api/v1/sessions/{session.Id}/record.pdf")).IsSuccessStatusCode);
        }

        await using var context = await host.NewContextAsync(Screen.Desktop);
        var auditor = await StaffBrowser.SignInAsync(host, context, StaffApi.Auditor);
        var check = new PageCheck(auditor, "auditor-export", axe: true);
        await auditor.GotoAsync("/audit/export");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await auditor.FillAsync("#from", today);
        await auditor.FillAsync("#to", today);
        await auditor.SelectOptionAsync("#workflow", "ketamine-iv-depression");
        await check.CaptureBothSizesAsync(auditor, "dated");

        var download = await auditor.RunAndWaitForDownloadAsync(() => auditor.Locator("main form button[type=submit]").ClickAsync());
        Assert.EndsWith(".zip", download.SuggestedFilename, StringComparison.OrdinalIgnoreCase);
        var path = Path.Combine(PageCheck.ScreenshotFolder, "..", "auditor-export-" + today + ".zip");
        await download.SaveAsAsync(path);

        using var zip = ZipFile.OpenRead(path);
        var manifest = Read(zip, "manifest.csv").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var row = Assert.Single(manifest, line => line.StartsWith(session.Id.ToString("D"), StringComparison.Ordinal)).Split(',');
        Assert.Equal("ketamine-iv-depression", row[1]);
        Assert.Equal("Declined", row[3]);
        var pdf = zip.GetEntry(row[8]) ?? throw new InvalidOperationException($"{row[8]} is named in the manifest but not in the ZIP.");
        using (var stream = pdf.Open())
        using (var bytes = new MemoryStream())
        {
            await stream.CopyToAsync(bytes);
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes.ToArray(), 0, 5), StringComparison.Ordinal);
            Assert.Equal(row[7], Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray())));
        }

        Assert.All(manifest.Skip(1), line => Assert.Contains(",ketamine-iv-depression,", line, StringComparison.Ordinal));
        Assert.Contains($"Records issued from {today}", Read(zip, "README.txt"), StringComparison.Ordinal);
        Assert.NotNull(zip.GetEntry("certificate.pem"));
        check.AssertClean();
    }

    /// <summary>The patient declines through the patient API (the decline pages have their own tests).</summary>
    private async Task DeclineAsync(StartedSession session)
    {
        var token = session.PatientPath[(session.PatientPath.LastIndexOf('/') + 1)..];
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        var verified = await http.PostAsJsonAsync($"/api/v1/patient/{token}/verify",
            new { dateOfBirth = Patient.English.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        verified.EnsureSuccessStatusCode();
        var ticket = (await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var decline = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patient/{token}/decline") { Content = JsonContent.Create(new { reason = "Not now." }) };
        decline.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ticket);
        (await http.SendAsync(decline)).EnsureSuccessStatusCode();
    }

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader((zip.GetEntry(name) ?? throw new InvalidOperationException($"No {name} in the ZIP.")).Open());
        return reader.ReadToEnd();
    }
}
