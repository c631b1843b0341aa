using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Api;

public sealed class AdminApiTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Admin_InvitesStaffUser_WhoSetsTheirPassword_AndLogsInWithTheGivenRole()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new
        {
            email = "new.reviewer@example.org", displayName = "New Reviewer", roles = new[] { "EthicsReviewer" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["EthicsReviewer"], view.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.True(view.GetProperty("invited").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await StaffAccounts.AcceptAsync(factory, view.GetProperty("id").GetString()!, "correct horse battery")).StatusCode);
        var token = await factory.LoginAsync("new.reviewer@example.org", "correct horse battery");
        Assert.False(string.IsNullOrEmpty(token));
    }

    [Fact]
    public async Task Admin_ChangesRoles_AndTheListShowsThem()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.InviteAsync(admin, "two.roles@example.org", "Two Roles", "Clinician");
        var changed = await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { "Auditor", "EthicsReviewer" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users");
        var entry = list.EnumerateArray().Single(u => u.GetProperty("email").GetString() == "two.roles@example.org");
        Assert.Equal(["Auditor", "EthicsReviewer"], entry.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());
    }

    [Theory]
    [InlineData("not-an-email", "Name", null, "Clinician")]
    [InlineData("x@example.org", "", null, "Clinician")]
    [InlineData("x@example.org", "Name", "correct horse battery", "Clinician")]
    [InlineData("x@example.org", "Name", null, "Wizard")]
    public async Task Admin_InviteWithBadInput_OrAPassword_Is400AndCreatesNothing(string email, string name, string? password, string role)
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).GetArrayLength();
        var response = await admin.PostAsJsonAsync("/api/v1/admin/users", new { email, displayName = name, password, roles = new[] { role } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var after = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).GetArrayLength();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Admin_CreateDuplicateEmail_Is409()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/admin/users", new
        {
            email = Staff.Clinician, displayName = "Dup", roles = new[] { "Clinician" },
        });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }
}
