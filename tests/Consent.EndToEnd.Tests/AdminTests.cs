using Consent.EndToEnd.Tests.Infrastructure;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The admin creates an account (whose first sign-in chooses its own password), changes its roles,
/// deactivates and reactivates it.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class AdminTests(ServiceHost host)
{
    [Fact]
    public async Task Admin_CreatesAnAccount_ChangesItsRoles_DeactivatesAndReactivatesIt()
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
        Assert.Equal(1, await page.Locator("[data-enrolment-code]").CountAsync());
        await check.CaptureAsync(page, "created");

        // The new staff member's first sign-in goes to their account page: the password the admin typed is temporary.
        await using (var nurseContext = await host.NewContextAsync(Screen.Desktop))
        {
            var nurse = await nurseContext.NewPageAsync();
            var nurseCheck = await FirstSignInAsync(nurse, email, "a long enough password 1", "the nurse's own password 2", "admin-new-account");
            nurseCheck!.AssertClean();
        }

        var row = page.Locator("tr", new() { HasText = email });
        await row.Locator("input[value=Auditor]").CheckAsync();
        await row.Locator("form[action*='handler=Roles'] button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("Roles saved", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.True(await page.Locator("tr", new() { HasText = email }).Locator("input[value=Auditor]").IsCheckedAsync());
        await check.CaptureAsync(page, "roles-saved");

        Assert.Equal(0, await page.Locator("tr", new() { HasText = StaffApi.Admin }).Locator("form[action*='handler=Deactivate']").CountAsync());
        await page.Locator("tr", new() { HasText = email }).Locator("form[action*='handler=Deactivate'] button").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("Account deactivated", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Deactivated", await page.InnerTextAsync($"tr:has-text('{email}')"), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await SignInStatusAsync(email, "the nurse's own password 2"));
        await check.CaptureAsync(page, "deactivated");

        await page.Locator("tr", new() { HasText = email }).Locator("form[action*='handler=Reactivate'] button").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("Account reactivated", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, await SignInStatusAsync(email, "the nurse's own password 2"));
        check.AssertClean();
    }

    /// <summary>
    /// Every rule the new-account form broke is listed at once in the error summary at the form,
    /// which takes the focus and links each error to its field; what was typed stays, except the
    /// password, which is asked for again.
    /// </summary>
    [Fact]
    public async Task CreateAccountErrors_AreAllListedAtTheForm_LinkedToTheirFields_AndTheInputIsKept()
    {
        await using var context = await host.NewContextAsync(Screen.Desktop);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Admin);
        var check = new PageCheck(page, "admin-create-errors", axe: true);
        await page.GotoAsync("/admin/users");

        var email = $"nurse%{Guid.NewGuid():N}"[..14] + "@example.org"; // a % routes mail elsewhere: refused
        await page.FillAsync("#new-email", email);
        await page.FillAsync("#new-password", "short");
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");

        var summary = page.Locator("#create-heading ~ [data-error-summary]");
        Assert.True(await summary.EvaluateAsync<bool>("s => s === document.activeElement"), "the error summary has the focus");
        var links = await summary.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(["#new-email", "#new-name", "#new-password", "#new-role-Clinician"], links);
        var text = await summary.InnerTextAsync();
        Assert.Contains("Display name is required.", text, StringComparison.Ordinal);
        Assert.Contains("at least 12 characters", text, StringComparison.Ordinal);
        Assert.Contains("At least one role is required.", text, StringComparison.Ordinal);
        Assert.Equal(email, await page.InputValueAsync("#new-email"));
        Assert.Equal("", await page.InputValueAsync("#new-password"));
        Assert.Equal(0, await page.Locator("main > [data-error-summary]").CountAsync());
        await check.CaptureBothSizesAsync(page, "all-errors");

        await summary.Locator("a[href='#new-name']").ClickAsync();
        Assert.Equal("new-name", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // A good password with one rule still broken: the password is asked for again, not shown.
        var fixedEmail = email.Replace("%", "-", StringComparison.Ordinal);
        await page.FillAsync("#new-email", fixedEmail);
        await page.FillAsync("#new-name", "Nurse Nell");
        await page.FillAsync("#new-password", "a long enough password 3");
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        Assert.Equal(["#new-role-Clinician"], await summary.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        Assert.Contains("Type the temporary password again", await page.InnerTextAsync("#create-heading ~ form"), StringComparison.Ordinal);
        Assert.Equal("Nurse Nell", await page.InputValueAsync("#new-name"));
        await check.CaptureBothSizesAsync(page, "password-again");

        await page.Locator("#new-role-Clinician").CheckAsync();
        await page.FillAsync("#new-password", "a long enough password 3");
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        Assert.Contains($"Account {fixedEmail} created", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        check.AssertClean();
    }

    /// <summary>
    /// The only active admin cannot take the Admin role from themselves on the page; once there is a
    /// second admin, taking that admin's role ends their sign-in at once.
    /// </summary>
    [Fact]
    public async Task TheLastActiveAdmin_KeepsTheRole_AndRemovingAnotherAdminsRole_EndsTheirSignIn()
    {
        await using var context = await host.NewContextAsync(Screen.Desktop);
        var page = await StaffBrowser.SignInAsync(host, context, StaffApi.Admin);
        var check = new PageCheck(page, "admin-last-admin", axe: true);
        await page.GotoAsync("/admin/users");

        var mine = page.Locator("tr", new() { HasText = StaffApi.Admin });
        await mine.Locator("input[value=Admin]").UncheckAsync();
        await mine.Locator("form[action*='handler=Roles'] button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("This is the only active admin account", await page.InnerTextAsync("[data-error-summary]"), StringComparison.Ordinal);
        Assert.True(await page.Locator("tr", new() { HasText = StaffApi.Admin }).Locator("input[value=Admin]").IsCheckedAsync());
        await check.CaptureBothSizesAsync(page, "refused");
        Assert.Equal(System.Net.HttpStatusCode.OK, await SignInStatusAsync(StaffApi.Admin, ServiceHost.DemoPassword));

        // A second admin, who chooses their own password at the first sign-in (a temporary one gives no role).
        var email = $"admin-{Guid.NewGuid():N}"[..14] + "@example.org";
        await page.FillAsync("#new-email", email);
        await page.FillAsync("#new-name", "Second Admin");
        await page.FillAsync("#new-password", "a long enough password 4");
        await page.Locator("#new-role-Admin").CheckAsync();
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        await using var secondContext = await host.NewContextAsync(Screen.Desktop);
        var second = await secondContext.NewPageAsync();
        await FirstSignInAsync(second, email, "a long enough password 4", "the second admin's own 5", screenshots: null);
        await second.GotoAsync("/admin/users");
        Assert.EndsWith("/admin/users", second.Url, StringComparison.Ordinal);

        var theirs = page.Locator("tr", new() { HasText = email });
        await page.GotoAsync("/admin/users");
        await theirs.Locator("input[value=Admin]").UncheckAsync();
        await theirs.Locator("input[value=Clinician]").CheckAsync();
        await theirs.Locator("form[action*='handler=Roles'] button[type=submit]").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("Roles saved", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        await check.CaptureBothSizesAsync(page, "removed");

        // The second admin's next page: their sign-in has ended, and they are asked to sign in again.
        await second.GotoAsync("/admin/users");
        Assert.Contains("/Account/Login", second.Url, StringComparison.Ordinal);
        check.AssertClean();
    }

    /// <summary>
    /// A new account's first sign-in, with the temporary password the admin typed: it lands on the
    /// account page, which asks for a password of its own first.
    /// </summary>
    /// <remarks>The account page's checks (screenshots under <paramref name="screenshots"/>, axe, console) start once it is shown, as they did before this helper.</remarks>
    private static async Task<PageCheck?> FirstSignInAsync(Microsoft.Playwright.IPage page, string email, string temporary, string own, string? screenshots)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", temporary);
        await page.ClickAndLoadAsync("form button[type=submit]");
        Assert.EndsWith("/account", page.Url, StringComparison.Ordinal);
        var check = screenshots is null ? null : new PageCheck(page, screenshots, axe: true);
        if (check is not null)
        {
            await check.CaptureAsync(page, "must-change");
        }

        await page.FillAsync("#current-password", temporary);
        await page.FillAsync("#new-password", own);
        await page.FillAsync("#confirm-password", own);
        await page.ClickAndLoadAsync("form[action*='handler=Password'] button[type=submit]");
        Assert.Contains("Your password is changed", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        if (check is not null)
        {
            await check.CaptureAsync(page, "changed");
        }

        return check;
    }

    private async Task<System.Net.HttpStatusCode> SignInStatusAsync(string email, string password)
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        using var response = await http.PostAsync("/api/v1/auth/login", System.Net.Http.Json.JsonContent.Create(new { email, password }));
        return response.StatusCode;
    }
}
