using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// Issue 11, item 3: a change made on one node ends sign-ins at once there, and within 60 seconds
/// on every other node (each node checks a sign-in against the database at most a minute apart).
/// </summary>
public sealed class OtherNodeTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "a quiet pond at dusk 1";

    [Fact]
    public async Task RoleRemovedOnOneNode_EndsTheTokenThereAtOnce_AndOnTheOtherNodeWithinAMinute()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var other = new SameDatabaseNode(factory.ConnectionString, clock);
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "two.nodes@example.org", Password, null, "Admin");
        var token = await LoginAsync(other, "two.nodes@example.org");
        using var here = Bearer(factory.CreateClient(), token);
        using var there = Bearer(other.CreateClient(), token);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/api/v1/admin/users")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/admin/users/{id}/roles", new { roles = new[] { "Clinician" } })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await here.GetAsync("/api/v1/admin/users")).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await there.GetAsync("/api/v1/admin/users")).StatusCode);
    }

    private static async Task<string> LoginAsync(SameDatabaseNode node, string email)
    {
        using var client = node.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static HttpClient Bearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
