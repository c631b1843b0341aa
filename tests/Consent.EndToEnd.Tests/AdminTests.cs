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
            await nurse.GotoAsync("/Account/Login");
            await nurse.FillAsync("#Input_Email", email);
            await nurse.FillAsync("#Input_Password", "a long enough password 1");
            await nurse.ClickAndLoadAsync("form button[type=submit]");
            Assert.EndsWith("/account", nurse.Url, StringComparison.Ordinal);
            var nurseCheck = new PageCheck(nurse, "admin-new-account", axe: true);
            await nurseCheck.CaptureAsync(nurse, "must-change");
            await nurse.FillAsync("#current-password", "a long enough password 1");
            await nurse.FillAsync("#new-password", "the nurse's own password 2");
            await nurse.FillAsync("#confirm-password", "the nurse's own password 2");
            await nurse.ClickAndLoadAsync("form[action*='handler=Password'] button[type=submit]");
            Assert.Contains("Your password is changed", await nurse.InnerTextAsync("main"), StringComparison.Ordinal);
            await nurseCheck.CaptureAsync(nurse, "changed");
            nurseCheck.AssertClean();
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

    private async Task<System.Net.HttpStatusCode> SignInStatusAsync(string email, string password)
    {
        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        using var response = await http.PostAsync("/api/v1/auth/login", System.Net.Http.Json.JsonContent.Create(new { email, password }));
        return response.StatusCode;
    }
}
