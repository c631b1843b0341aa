using Consent.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using static Consent.EndToEnd.Tests.Infrastructure.PatientWalker;

namespace Consent.EndToEnd.Tests;

/// <summary>Reaching every control with the keyboard alone, and pages that fit a 320 px wide phone without sideways scrolling.</summary>
[Collection(BrowserTests.Name)]
public sealed class KeyboardAndNarrowScreenTests(ServiceHost host)
{
    [Fact]
    public async Task PatientConfirmsIdentityAnswersAndAcknowledges_WithTheKeyboardAlone_On320PixelsWide()
    {
        var session = await StaffApi.StartAsync(host, Patient.English, "en");
        await using var context = await host.NewContextAsync(Screen.Narrow);
        var page = await context.NewPageAsync();
        var check = new PageCheck(page, "keyboard-en-320", axe: true);
        var walker = new PatientWalker(page, check, Patient.English);
        await walker.OpenAsync(session.PatientPath);
        await AssertFitsAsync(page);

        await TabToAsync(page, "#dob-month");
        await page.Keyboard.TypeAsync("2");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("3");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("1980");
        await PressAndLoadAsync(page, "Enter");

        // The key information comes first: read, ticked and sent with the keyboard.
        Assert.Equal(Kind.Disclosure, await walker.KindAsync());
        Assert.StartsWith("Key information", await page.InnerTextAsync("h1"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "key-information", "key information");
        await AssertFitsAsync(page);
        await TabToAsync(page, "#acknowledged");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "form[action*='handler=Acknowledge'] button[type=submit]");
        await PressAndLoadAsync(page, "Enter");

        Assert.Equal(Kind.Questions, await walker.KindAsync());
        await check.CaptureAsync(page, "questions", "questions");
        await AssertFitsAsync(page);

        // Each yes/no group: Tab into it, the arrow key picks "No".
        var groups = await page.Locator("fieldset.question").CountAsync();
        for (var i = 0; i < groups; i++)
        {
            await TabToAsync(page, $"fieldset.question:nth-of-type({i + 1}) input[type=radio]");
            await page.Keyboard.PressAsync("ArrowRight");
        }

        await TabToAsync(page, "form[action*='handler=Answers'] button[type=submit]");
        await PressAndLoadAsync(page, "Enter");
        Assert.Equal(Kind.Disclosure, await walker.KindAsync());
        await AssertFitsAsync(page);

        await TabToAsync(page, "#acknowledged");
        await page.Keyboard.PressAsync("Space");
        await TabToAsync(page, "form[action*='handler=Acknowledge'] button[type=submit]");
        await PressAndLoadAsync(page, "Enter");
        Assert.StartsWith("Step 4", await page.InnerTextAsync(".step-count"), StringComparison.Ordinal);

        await TabToAsync(page, "a.action-decline");
        await PressAndLoadAsync(page, "Enter");
        Assert.EndsWith("/decline", page.Url, StringComparison.Ordinal);
        await check.CaptureAsync(page, "decline", "decline");
        await AssertFitsAsync(page);
        check.AssertClean();
    }

    /// <summary>Presses Tab until the focus is on <paramref name="selector"/> (at most 40 times).</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<bool>("s => document.activeElement !== null && document.activeElement.matches(s)", selector))
            {
                return;
            }
        }

        throw new InvalidOperationException($"Tab never reached {selector}.");
    }

    /// <summary>Presses a key that sends a form or follows a link, and waits until the next page is there.</summary>
    private static async Task PressAndLoadAsync(IPage page, string key)
    {
        await page.EvaluateAsync("() => { window.__before = true; }");
        await page.Keyboard.PressAsync(key);
        await Deadline.UntilAsync($"a new page after pressing {key}", async () =>
        {
            try
            {
                return await page.EvaluateAsync<bool>("() => window.__before !== true && document.readyState !== 'loading'");
            }
            catch (PlaywrightException)
            {
                return false; // the old page went away while we asked; the new one is on its way
            }
        });
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 320, $"{page.Url} is {width} px wide at a 320 px window");
    }
}
