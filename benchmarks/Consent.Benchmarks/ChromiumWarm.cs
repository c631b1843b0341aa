using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Consent.Benchmarks;

/// <summary>
/// <c>chromium-warm RECORD.html RUNS</c>: Chromium already running with the page loaded, timing
/// only <c>page.pdf()</c> — the kindest case for a browser-based renderer that a service keeps open.
/// </summary>
public static class ChromiumWarm
{
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var html = await File.ReadAllTextAsync(args[1]);
        var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync();
        await page.SetContentAsync(html);
        var options = new PagePdfOptions { Format = "Letter", PrintBackground = true };
        for (var i = 0; i < 3; i++)
        {
            await page.PdfAsync(options);
        }

        var times = new double[runs];
        byte[] pdf = [];
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            pdf = await page.PdfAsync(options);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chromium warm page.pdf: median {times[runs / 2]:F2} ms over {runs} runs ({RecordBenchmarks.PageCount(pdf)} pages, {pdf.Length} bytes)"));
        return 0;
    }
}
