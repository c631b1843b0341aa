using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Saves a full-page screenshot of every page a flow visits (tests/test-output/screenshots/) and,
/// where asked, runs axe on it: no serious or critical violation may remain. Also collects console
/// errors, which is where a Content-Security-Policy violation (an inline script or style) shows up.
/// </summary>
public sealed class PageCheck
{
    public static readonly string ScreenshotFolder = Path.Combine(RepositoryRoot.Path, "tests", "test-output", "screenshots");

    private readonly string prefix;
    private readonly bool axe;
    private readonly List<string> consoleErrors = [];
    /// <summary>Page kinds already checked by axe, per scope, across tests (see <see cref="PageCheck(IPage, string, bool, string?)"/>).</summary>
    private static readonly HashSet<string> SharedChecked = new(StringComparer.Ordinal);

    private readonly HashSet<string> axeChecked = new(StringComparer.Ordinal);
    private readonly string? axeScope;
    private int count;

    /// <param name="axeScope">
    /// When set, a page kind is checked by axe once in this scope across all tests (say, once per
    /// language for the four runs of the whole consent), rather than once per test.
    /// </param>
    public PageCheck(IPage page, string prefix, bool axe, string? axeScope = null)
    {
        this.prefix = prefix;
        this.axe = axe;
        this.axeScope = axeScope;
        Directory.CreateDirectory(ScreenshotFolder);
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

    /// <summary>
    /// Saves a screenshot named <paramref name="name"/>; runs axe once per <paramref name="kind"/> of page
    /// (pages of one kind share their markup and differ only in the workflow's text), or on every page when no kind is given.
    /// </summary>
    public async Task CaptureAsync(IPage page, string name, string? kind = null)
    {
        var file = Path.Combine(ScreenshotFolder, $"{prefix}-{++count:00}-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        if (axe && axeChecked.Add(kind ?? name) && FirstInScope(kind ?? name))
        {
            var result = await page.RunAxe();
            foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                AxeFindings.Add($"{name} ({page.Url}): {violation.Id} [{violation.Impact}] {violation.Help}: "
                    + string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html)));
            }
        }
    }

    private bool FirstInScope(string kind)
    {
        if (axeScope is null)
        {
            return true;
        }

        lock (SharedChecked)
        {
            return SharedChecked.Add(axeScope + ":" + kind);
        }
    }

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
