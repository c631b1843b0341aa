using Consent.EndToEnd.Tests.Infrastructure;

namespace Consent.EndToEnd.Tests;

/// <summary>The ethics reviewer reads a version side by side and retires it; the admin creates an account and changes roles.</summary>
[Collection(BrowserTests.Name)]
public sealed class ReviewerAndAdminTests(ServiceHost host)
{
    [Fact]
    public async Task Reviewer_SeesEveryTextPerLanguageAndTheFlow_AndRetiresAVersionWithAComment()
    {
        await using var context = await host.NewContextAsync(Screen.Desktop);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Reviewer);
        var check = new PageCheck(page, "reviewer", axe: true);
        await page.GotoAsync("/review");
        await check.CaptureAsync(page, "versions");

        // Retiring is for good, so it is tried on the one workflow no other browser test starts.
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

    [Fact]
    public async Task Admin_CreatesAnAccount_AndChangesItsRoles()
    {
        await using var context = await host.NewContextAsync(Screen.Desktop);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Admin);
        var check = new PageCheck(page, "admin", axe: true);
        await page.GotoAsync("/admin/users");
        await check.CaptureAsync(page, "users");
        Assert.Equal("Ethics reviewer", (await page.InnerTextAsync("label[for=new-role-EthicsReviewer]")).Trim());

        var email = $"nurse-{Guid.NewGuid():N}"[..14] + "@example.org";
        await page.FillAsync("#new-email", email);
        await page.FillAsync("#new-name", "Nurse Nova");
        await page.FillAsync("#new-password", "a long enough password 1");
        await page.Locator("#new-role-Clinician").CheckAsync();
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        Assert.Contains($"Account {email} created", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        var row = page.Locator("tr", new() { HasText = email });
        await row.Locator("input[value=Auditor]").CheckAsync();
        await row.Locator("button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("Roles saved", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.True(await page.Locator("tr", new() { HasText = email }).Locator("input[value=Auditor]").IsCheckedAsync());
        await check.CaptureAsync(page, "roles-saved");
        check.AssertClean();
    }
}
