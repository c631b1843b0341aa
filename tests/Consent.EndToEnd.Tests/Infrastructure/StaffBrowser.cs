using Microsoft.Playwright;

namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>Signs a staff member in through the sign-in page, in a browser context of their own.</summary>
public static class StaffBrowser
{
    public static async Task<IPage> SignInAsync(ServiceHost host, IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", ServiceHost.DemoPassword);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        Assert.DoesNotContain("/Account/Login", page.Url, StringComparison.Ordinal);
        _ = host;
        return page;
    }

    /// <summary>Clicks and waits for the page the click leads to (post, redirect, get).</summary>
    public static async Task ClickAndLoadAsync(this IPage page, string selector)
    {
        await page.Locator(selector).First.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
