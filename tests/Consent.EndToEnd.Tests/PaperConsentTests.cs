using System.Net.Http.Json;
using System.Text.Json;
using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// Issue 16, the paper path, in Chromium at 320 px with axe: the clinician uploads the scan of the paper form the patient
/// signed in front of them (a PDF Chromium prints, as a scanner would give), attests it with their password, and the
/// session shows Completed (paper); a file that is not a scan is refused on the page and changes nothing.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class PaperConsentTests(ServiceHost host)
{
    [Fact]
    public async Task TheClinician_UploadsTheSignedPaperForm_OnANarrowScreen_AndTheSessionIsCompletedOnPaper()
    {
        var (bad, good) = (await StartAsync(), await StartAsync());
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var clinician = await StaffBrowser.SignInAsync(host, context, StaffApi.Clinician);
        var check = new PageCheck(clinician, "paper-320", axe: true);

        // A text file named as a PDF: refused, with the reason, and the session stays as it was.
        await clinician.GotoAsync($"/clinician/sessions/{bad}");
        await clinician.Locator("#paper-scan").SetInputFilesAsync(new FilePayload
        {
            Name = "form.pdf", MimeType = "application/pdf", Buffer = "this is not a scan"u8.ToArray(),
        });
        await clinician.Locator("#paper-accepted").CheckAsync();
        await clinician.FillAsync("#paper-password", ServiceHost.DemoPassword);
        await clinician.ClickAndLoadAsync("form[action*='handler=Paper'] button[type=submit]");
        Assert.Contains("not a PDF, JPEG or PNG", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "refused");
        Assert.Equal("Invited", await StatusAsync(bad));

        // The form printed to PDF by Chromium stands in for the scanner's output: with a photo-like noise image, so that it is
        // over the service's 4 MB default body limit, as real scans are (the page must take up to 20 MB).
        var scanner = await context.NewPageAsync();
        await scanner.SetContentAsync("<h1>Consent to intravenous ketamine</h1><p>PAPER FORM SIGNED IN INK</p><p>Signature: ________</p><img id=photo width=500>");
        await scanner.EvaluateAsync("""
            () => new Promise(done => {
                const c = document.createElement('canvas'); c.width = 1400; c.height = 1400;
                const g = c.getContext('2d'); const d = g.createImageData(1400, 1400);
                for (let i = 0; i < d.data.length; i++) d.data[i] = (i % 4 === 3) ? 255 : Math.floor(Math.random() * 256);
                g.putImageData(d, 0, 0);
                const img = document.getElementById('photo'); img.onload = done; img.src = c.toDataURL('image/png');
            })
            """);
        var scan = await scanner.PdfAsync();
        await scanner.CloseAsync();
        Assert.True(scan.Length is > 4 * 1024 * 1024 and < 20 * 1024 * 1024, $"the scan is {scan.Length} bytes");

        await clinician.GotoAsync($"/clinician/sessions/{good}");
        Assert.Contains("Signed on paper instead", await clinician.InnerTextAsync("main"), StringComparison.Ordinal);
        await check.CaptureAsync(clinician, "form");
        await AssertFitsAsync(clinician);
        await clinician.Locator("#paper-scan").SetInputFilesAsync(new FilePayload { Name = "signed-form.pdf", MimeType = "application/pdf", Buffer = scan });
        Assert.Equal(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)[..7],
            (await clinician.InputValueAsync("#paper-date"))[..7]);
        await clinician.Locator("#paper-accepted").CheckAsync();
        await clinician.FillAsync("#paper-password", ServiceHost.DemoPassword);
        await clinician.ClickAndLoadAsync("form[action*='handler=Paper'] button[type=submit]");

        var main = await clinician.InnerTextAsync("main");
        Assert.Contains("The signed paper form was recorded", main, StringComparison.Ordinal);
        Assert.Equal("Completed (paper)", (await clinician.InnerTextAsync("[data-field=status]")).Trim());
        Assert.Contains("The patient signed this paper form, version", main, StringComparison.Ordinal);
        Assert.Equal(0, await clinician.Locator("#paper-scan").CountAsync());
        await check.CaptureAsync(clinician, "recorded");
        await AssertFitsAsync(clinician);
        Assert.Equal("Completed", await StatusAsync(good));
        check.AssertClean();
    }

    private async Task<Guid> StartAsync()
    {
        using var http = await StaffApi.ClinicianClientAsync(host);
        var response = await http.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression",
            language = "en",
            patient = new { name = Patient.English.Name, dateOfBirth = "1961-04-12", mrn = "MRN-PAPER-" + Guid.NewGuid().ToString("N")[..8] },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task<string> StatusAsync(Guid id)
    {
        using var http = await StaffApi.ClinicianClientAsync(host);
        return (await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{id}")).GetProperty("status").GetString()!;
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 320, $"{page.Url} is {width} px wide at a 320 px window");
    }
}
