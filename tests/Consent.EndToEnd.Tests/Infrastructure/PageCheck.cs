using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Saves a full-page screenshot of every page a flow visits (tests/test-output/screenshots/) and,
/// where asked, runs axe on it: no serious or critical violation may remain. Also collects console
/// errors, which is where a Content-Security-Policy violation (an inline script or style) shows up.
/// Nothing is shared between instances, so what a test checks does not depend on which tests ran
/// before it.
/// </summary>
public sealed class PageCheck
{
    public static readonly string ScreenshotFolder = Path.Combine(RepositoryRoot.Path, "tests", "test-output", "screenshots");

    private readonly string prefix;
    private readonly bool axe;
    private readonly List<string> consoleErrors = [];
    private readonly HashSet<string> axeChecked = new(StringComparer.Ordinal);
    private readonly List<string> captured = [];

    public PageCheck(IPage page, string prefix, bool axe)
    {
        this.prefix = prefix;
        this.axe = axe;
        Directory.CreateDirectory(ScreenshotFolder);
        // Screenshots an earlier run left under this prefix would be mistaken for this run's.
        foreach (var stale in Directory.EnumerateFiles(ScreenshotFolder, prefix + "-*.png").Where(f => IsNumberedUnder(prefix, f)))
        {
            File.Delete(stale);
        }

        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("Failed to load resource", StringComparison.Ordinal))
            {
                lock (consoleErrors)
                {
                    consoleErrors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (consoleErrors)
            {
                consoleErrors.Add(error);
            }
        };
    }

    public List<string> AxeFindings { get; } = [];

    /// <summary>The names of the pages this check captured, in order (what a test may assert on, rather than the folder).</summary>
    public IReadOnlyList<string> Captured => captured;

    /// <summary>
    /// Saves a screenshot named <paramref name="name"/>; runs axe once per <paramref name="kind"/> of page
    /// (pages of one kind share their markup and differ only in the workflow's text), or on every page when no kind is given.
    /// </summary>
    public async Task CaptureAsync(IPage page, string name, string? kind = null)
    {
        captured.Add(name);
        var file = Path.Combine(ScreenshotFolder, $"{prefix}-{captured.Count:00}-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        if (axe && axeChecked.Add(kind ?? name))
        {
            var result = await page.RunAxe();
            foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                AxeFindings.Add($"{name} ({page.Url}): {violation.Id} [{violation.Impact}] {violation.Help}: "
                    + string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html)));
            }
        }
    }

    /// <summary>
    /// The same page at a laptop's 1280×800 and a small phone's 360×740 (a staff page has no phone
    /// context of its own): two screenshots, <paramref name="name"/>-desktop and -phone, axe on both.
    /// The window is left at 1280×800.
    /// </summary>
    public async Task CaptureBothSizesAsync(IPage page, string name)
    {
        await page.SetViewportSizeAsync(360, 740);
        await CaptureAsync(page, name + "-phone");
        await page.SetViewportSizeAsync(1280, 800);
        await CaptureAsync(page, name + "-desktop");
    }

    /// <summary>A screenshot this prefix numbered (prefix-NN-name.png), not one of a longer prefix such as "clinician-relink".</summary>
    private static bool IsNumberedUnder(string prefix, string file) =>
        System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(file), "^" + System.Text.RegularExpressions.Regex.Escape(prefix) + @"-\d{2}-");

    /// <summary>Fails the test when axe found a serious or critical violation or the browser logged an error.</summary>
    public void AssertClean()
    {
        Assert.True(AxeFindings.Count == 0, "Accessibility violations:\n" + string.Join("\n", AxeFindings));
        lock (consoleErrors)
        {
            Assert.True(consoleErrors.Count == 0, "Browser console errors:\n" + string.Join("\n", consoleErrors));
        }
    }
}
