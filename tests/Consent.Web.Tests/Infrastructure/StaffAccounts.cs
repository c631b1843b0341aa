using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>Staff accounts made through the admin API, and API clients signed in as them.</summary>
public static class StaffAccounts
{
    /// <summary>Creates the account (its display name is <paramref name="name"/>, or the email) and returns its id.</summary>
    public static async Task<string> CreateAsync(HttpClient admin, string email, string password, string? name, params string[] roles)
    {
        var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { email, displayName = name ?? email, password, roles });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A client carrying a fresh bearer token of the account.</summary>
    public static async Task<HttpClient> ClientAsync(ConsentWebFactory factory, string email, string password)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await factory.LoginAsync(email, password));
        return client;
    }
}
