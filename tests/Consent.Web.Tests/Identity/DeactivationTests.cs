using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 3: an admin deactivates and reactivates staff accounts. An account is never
/// deleted, its email is never reused, and its history keeps its name.
/// </summary>
public sealed class DeactivationTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "deactivation password 1";

    [Fact]
    public async Task Deactivated_TheTokenFails_SignInAnswersLikeAWrongPassword_AndReactivationRestoresSignIn()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "leaver@example.org", Password, "Leaving Clinician", "Clinician");
        using var leaver = await StaffAccounts.ClientAsync(factory, "leaver@example.org", Password);
        Assert.Equal(HttpStatusCode.OK, (await leaver.GetAsync("/api/v1/account")).StatusCode);

        var deactivated = await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null);
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await deactivated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.GetAsync("/api/v1/account")).StatusCode);
        using var anonymous = factory.CreateClient();
        var refused = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "leaver@example.org", password = Password });
        var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = Staff.Reviewer, password = "not the password at all" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(await DetailAsync(wrong), await DetailAsync(refused));
        var listed = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray().Single(u => u.GetProperty("id").GetString() == id);
        Assert.False(listed.GetProperty("active").GetBoolean());

        var reactivated = await admin.PostAsync($"/api/v1/admin/users/{id}/reactivate", null);
        Assert.Equal(HttpStatusCode.OK, reactivated.StatusCode);
        Assert.True((await reactivated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "leaver@example.org", password = Password })).StatusCode);
    }

    [Fact]
    public async Task Deactivated_TheEmailIsNotReused_AndTheAuditTrailKeepsTheName()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "departed@example.org", Password, "Departed Clinician", "Clinician");
        using var departed = await StaffAccounts.ClientAsync(factory, "departed@example.org", Password);
        var started = await departed.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" },
        });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var session = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/admin/users/{id}/deactivate", null)).StatusCode);

        var reuse = await admin.PostAsJsonAsync("/api/v1/admin/users", new { email = "departed@example.org", displayName = "Someone Else", roles = new[] { "Admin" } });
        Assert.Equal(HttpStatusCode.Conflict, reuse.StatusCode);
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var timeline = await auditor.GetStringAsync($"/audit/sessions/{session}");
        Assert.Contains("Departed Clinician", timeline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_CannotDeactivateThemselves_NorTakeAwayTheLastAdminRole()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var me = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/account")).GetProperty("id").GetString();

        var self = await admin.PostAsync($"/api/v1/admin/users/{me}/deactivate", null);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Equal("application/problem+json", self.Content.Headers.ContentType?.MediaType);
        var last = await admin.PutAsJsonAsync($"/api/v1/admin/users/{me}/roles", new { roles = new[] { "Clinician" } });
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/admin/users/{Guid.NewGuid()}/deactivate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/admin/users")).StatusCode);
    }

    /// <summary>Taking every role away is how an admin parks an account without deactivating it: it can sign in and reach only itself.</summary>
    [Fact]
    public async Task EmptyRoleSet_IsAllowed_AndLeavesOnlyTheAccountItself()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "no.roles@example.org", Password, "No Roles", "Clinician");

        var emptied = await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, emptied.StatusCode);
        Assert.Equal(0, (await emptied.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles").GetArrayLength());

        using var client = await StaffAccounts.ClientAsync(factory, "no.roles@example.org", Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { })).StatusCode);
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
}
