using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 4, in Production mode with a fake clock: whatever widens access needs the second
/// factor itself, and a cookie sign-in keeps its second factor when the security stamp is re-checked.
/// </summary>
public sealed class TwoFactorReachTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task ClinicianAndAuditor_WithoutASecondFactor_ReachesOnlyTheirOwnSessions()
    {
        await factory.CreateStaffAsync("reach.reviewer@example.org", StaffRoles.EthicsReviewer);
        await factory.CreateStaffAsync("reach.clinician@example.org", StaffRoles.Clinician);
        await factory.CreateStaffAsync("reach.both@example.org", StaffRoles.Clinician, StaffRoles.Auditor);
        using var reviewer = await StaffAccounts.ClientAsync(factory, "reach.reviewer@example.org", ProductionFactory.Password);
        (await ReviewerApprovals.ApproveAsync(reviewer, "ketamine-iv-depression", 1, ProductionFactory.Password, "Reviewed for the two-factor test.")).EnsureSuccessStatusCode();
        await ReviewerApprovals.SecondApprovalAsync(factory, "ketamine-iv-depression", 1, "reach.reviewer2@example.org");
        using var clinician = await StaffAccounts.ClientAsync(factory, "reach.clinician@example.org", ProductionFactory.Password);
        var started = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" },
        });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var both = await StaffAccounts.ClientAsync(factory, "reach.both@example.org", ProductionFactory.Password);
        var listed = await both.GetFromJsonAsync<JsonElement>("/api/v1/sessions");
        Assert.DoesNotContain(id, listed.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await both.GetAsync($"/api/v1/sessions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await both.GetAsync($"/api/v1/sessions/{id}/events")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await both.GetAsync($"/api/v1/sessions/{id}/record.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await both.GetAsync($"/audit/sessions/{id}")).StatusCode);
    }

    [Fact]
    public async Task AuditorCookie_KeepsItsSecondFactor_AcrossTheSecurityStampRefresh()
    {
        var key = await factory.CreateStaffWithSecondFactorAsync("refresh.auditor@example.org", StaffRoles.Auditor);

        using var browser = factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var signedIn = await StaffCookies.SignInAsync(browser, "refresh.auditor@example.org", ProductionFactory.Password, Totp.Code(key, factory.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);

        // Each page renews the 15-minute idle time-out; the stamp check (every minute) rebuilds the sign-in each time.
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/audit")).StatusCode);
    }
}
