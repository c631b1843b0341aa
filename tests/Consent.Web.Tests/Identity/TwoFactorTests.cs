using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

public sealed class TwoFactorTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string Password = ProductionFactory.Password;

    [Fact]
    public async Task Auditor_WithoutSecondFactor_IsRefused_ThenAdmittedAfterSettingUpTotp()
    {
        var id = await CreateAsync("auditor.2fa@example.org", StaffRoles.Auditor);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync("auditor.2fa@example.org", Password));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/sessions")).StatusCode);

        // Setting up needs an admin's enrolment code besides the password (TwoFactorEnrolmentTests).
        var enrolment = await factory.IssueEnrolmentCodeAsync(id);
        var setup = await (await client.PostAsJsonAsync("/api/v1/account/two-factor/setup", new { enrolmentCode = enrolment })).Content.ReadFromJsonAsync<JsonElement>();
        var key = setup.GetProperty("sharedKey").GetString()!;
        Assert.StartsWith("otpauth://totp/", setup.GetProperty("authenticatorUri").GetString(), StringComparison.Ordinal);
        var wrong = await client.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = "000000" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var enabled = await client.PostAsJsonAsync("/api/v1/account/two-factor/enable", new { code = Totp.Code(key, factory.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.NoContent, enabled.StatusCode);

        // The code that turned it on is used up (AuthenticatorCodeReuseTests): sign in with the next one.
        factory.Clock.Advance(TimeSpan.FromSeconds(30));

        var withoutCode = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "auditor.2fa@example.org", password = Password });
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);

        var login = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login",
            new { email = "auditor.2fa@example.org", password = Password, twoFactorCode = Totp.Code(key, factory.Clock.GetUtcNow()) });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var second = factory.CreateClient();
        second.DefaultRequestHeaders.Authorization = new("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/sessions")).StatusCode);
    }

    [Fact]
    public async Task Clinician_DoesNotNeedASecondFactor_AndNoDemoAccountsExistOutsideDevelopment()
    {
        await CreateAsync("clinician.prod@example.org", StaffRoles.Clinician);
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync("clinician.prod@example.org", Password));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/workflows")).StatusCode);

        var demo = await factory.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Staff.Clinician, password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, demo.StatusCode);
    }

    [Fact]
    public async Task WorkflowVersions_StartPendingOutsideDevelopment_AndNeedAnEthicsApproval()
    {
        await CreateAsync("reviewer.prod@example.org", StaffRoles.EthicsReviewer);
        await CreateAsync("clinician.pending@example.org", StaffRoles.Clinician);
        using var clinician = factory.CreateClient();
        clinician.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync("clinician.pending@example.org", Password));
        var start = new { workflowId = "esketamine-nasal-trd", language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/sessions", start)).StatusCode);

        using var reviewer = factory.CreateClient();
        reviewer.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync("reviewer.prod@example.org", Password));
        var versions = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/versions");
        Assert.All(versions.EnumerateArray(), v => Assert.Equal("Pending", v.GetProperty("approval").GetString()));
        var approve = await ReviewerApprovals.ApproveAsync(reviewer, "esketamine-nasal-trd", 1, Password, "Reviewed texts en/es, REMS wording and reading levels.");
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        // Outside Development two distinct reviewers must approve (Review:RequiredApprovals): one is not enough.
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/sessions", start)).StatusCode);
        await ReviewerApprovals.SecondApprovalAsync(factory, "esketamine-nasal-trd", 1, "reviewer2.prod@example.org");

        Assert.Equal(HttpStatusCode.Created, (await clinician.PostAsJsonAsync("/api/v1/sessions", start)).StatusCode);
    }

    private Task<Guid> CreateAsync(string email, string role) => factory.CreateStaffAsync(email, role);
}
