using Consent.EndToEnd.Tests.Infrastructure;

namespace Consent.EndToEnd.Tests;

/// <summary>
/// The admin invites a staff member (who sets their own password with the mailed link and signs the
/// training attestation), changes their roles, deactivates and reactivates the account.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class AdminTests(ServiceHost host)
{
    [Fact]
    public async Task Admin_InvitesAStaffMember_ChangesTheirRoles_DeactivatesAndReactivatesTheAccount()
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
        Assert.Equal(0, await page.Locator("#new-password").CountAsync());
        await page.Locator("#new-role-Clinician").CheckAsync();
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        Assert.Contains($"Invitation sent to {email}", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Contains("Invited", await page.InnerTextAsync($"tr:has-text('{email}')"), StringComparison.Ordinal);
        await check.CaptureAsync(page, "invited");

        // The new staff member opens the mailed link, chooses a password nobody else knows, signs in and signs the training attestation.
        await using (var nurseContext = await host.NewContextAsync(Screen.Desktop))
        {
            var nurse = await nurseContext.NewPageAsync();
            var nurseCheck = await AcceptInvitationAsync(nurse, email, "a quiet harbour at dawn 2", "admin-new-account");
            nurseCheck!.AssertClean();
        }

        await page.GotoAsync("/admin/users");
        Assert.DoesNotContain("Invited", await page.InnerTextAsync($"tr:has-text('{email}')"), StringComparison.Ordinal);

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
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, await SignInStatusAsync(email, "a quiet harbour at dawn 2"));
        await check.CaptureAsync(page, "deactivated");

        await page.Locator("tr", new() { HasText = email }).Locator("form[action*='handler=Reactivate'] button").ClickAsync();
        await page.WaitForLoadStateAsync();
        Assert.Contains("Account reactivated", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, await SignInStatusAsync(email, "a quiet harbour at dawn 2"));
        check.AssertClean();
    }

    /// <summary>
    /// Every rule the invitation form broke is listed at once in the error summary at the form,
    /// which takes the focus and links each error to its field; what was typed stays.
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
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");

        var summary = page.Locator("#create-heading ~ [data-error-summary]");
        Assert.True(await summary.EvaluateAsync<bool>("s => s === document.activeElement"), "the error summary has the focus");
        var links = await summary.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(["#new-email", "#new-name", "#new-role-Clinician"], links);
        var text = await summary.InnerTextAsync();
        Assert.Contains("Display name is required.", text, StringComparison.Ordinal);
        Assert.Contains("At least one role is required.", text, StringComparison.Ordinal);
        Assert.Equal(email, await page.InputValueAsync("#new-email"));
        Assert.Equal(0, await page.Locator("main > [data-error-summary]").CountAsync());
        await check.CaptureBothSizesAsync(page, "all-errors");

        await summary.Locator("a[href='#new-name']").ClickAsync();
        Assert.Equal("new-name", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // One rule still broken: only it is listed, and what was typed stays.
        var fixedEmail = email.Replace("%", "-", StringComparison.Ordinal);
        await page.FillAsync("#new-email", fixedEmail);
        await page.FillAsync("#new-name", "Nurse Nell");
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        Assert.Equal(["#new-role-Clinician"], await summary.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"));
        Assert.Equal("Nurse Nell", await page.InputValueAsync("#new-name"));
        Assert.Equal(fixedEmail, await page.InputValueAsync("#new-email"));
        await check.CaptureBothSizesAsync(page, "one-left");

        await page.Locator("#new-role-Clinician").CheckAsync();
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        Assert.Contains($"Invitation sent to {fixedEmail}", await page.InnerTextAsync("main"), StringComparison.Ordinal);
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

        // A second admin, invited, who chooses their own password with the mailed link and signs the training attestation.
        var email = $"admin-{Guid.NewGuid():N}"[..14] + "@example.org";
        await page.FillAsync("#new-email", email);
        await page.FillAsync("#new-name", "Second Admin");
        await page.Locator("#new-role-Admin").CheckAsync();
        await page.ClickAndLoadAsync("form[action*='handler=Create'] button[type=submit]");
        await using var secondContext = await host.NewContextAsync(Screen.Desktop);
        var second = await secondContext.NewPageAsync();
        await AcceptInvitationAsync(second, email, "river stones and tea 5", screenshots: null);
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
    /// An invitee's first steps: the link from the invitation mail, their own password (typed twice), the sign-in,
    /// which goes to the training attestation first, and the attestation signed with the password.
    /// </summary>
    /// <remarks>The checks (screenshots under <paramref name="screenshots"/>, axe, console) start on the link's page.</remarks>
    private async Task<PageCheck?> AcceptInvitationAsync(Microsoft.Playwright.IPage page, string email, string own, string? screenshots)
    {
        await page.GotoAsync(await Mailbox.AccountLinkAsync(host, email));
        var check = screenshots is null ? null : new PageCheck(page, screenshots, axe: true);
        Assert.StartsWith("Welcome, ", (await page.InnerTextAsync("h1")).Trim(), StringComparison.Ordinal);
        Assert.Contains(email, await page.InnerTextAsync("main"), StringComparison.Ordinal);
        if (check is not null)
        {
            await check.CaptureAsync(page, "choose-password");
        }

        await page.FillAsync("#new-password", own);
        await page.FillAsync("#confirm-password", own);
        await page.ClickAndLoadAsync("main form button[type=submit]");
        Assert.Equal("Your password is set", (await page.InnerTextAsync("h1")).Trim());
        if (check is not null)
        {
            await check.CaptureAsync(page, "password-set");
        }

        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", own);
        await page.ClickAndLoadAsync("main form button[type=submit]");
        Assert.EndsWith("/account/training", page.Url, StringComparison.Ordinal);
        Assert.Contains("legally binding", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        if (check is not null)
        {
            await check.CaptureAsync(page, "training");
        }

        await page.FillAsync("#password", own);
        await page.ClickAndLoadAsync("main form button[type=submit]");
        Assert.Contains("your attestation is signed", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        if (check is not null)
        {
            await check.CaptureAsync(page, "trained");
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
