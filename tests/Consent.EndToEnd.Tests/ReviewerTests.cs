using Consent.EndToEnd.Tests.Infrastructure;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The ethics reviewer reads a version side by side and retires it. Retiring is for good, so this
/// test has a service of its own: in the shared one, every later test that starts that workflow
/// would depend on running before it.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ReviewerTests(OwnServiceHost host) : IClassFixture<OwnServiceHost>
{
    [Fact]
    public async Task Reviewer_SeesEveryTextPerLanguageAndTheFlow_AndRetiresAVersionWithAComment()
    {
        await using var context = await host.NewContextAsync(Screen.Desktop);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Reviewer);
        var check = new PageCheck(page, "reviewer", axe: true);
        await page.GotoAsync("/review");
        await check.CaptureAsync(page, "versions");

        await page.ClickAndLoadAsync("a[href='/review/ketamine-chronic-pain/1']");
        Assert.True(await page.Locator(".side-by-side [lang=es]").CountAsync() > 10, "Spanish texts beside the English ones");
        Assert.Contains("reading level", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("flowchart", await page.TextContentAsync("pre") ?? "", StringComparison.Ordinal);
        Assert.Contains("only when", await page.InnerTextAsync(".step-flow"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "version");

        await page.FillAsync("#comment", "Superseded by the bladder wording of version 2 (review board, item 7).");
        await page.ClickAndLoadAsync("main button[formaction*='handler=Retire']");
        Assert.Contains("Retired", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Superseded by the bladder wording", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "retired");
        check.AssertClean();
    }
}
