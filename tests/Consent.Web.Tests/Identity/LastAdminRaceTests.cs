using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// The clinic always keeps an active admin, also when its last two admins act at the same moment:
/// two admins deactivating each other both got 200 and left none. Real concurrent requests, in
/// rounds, each round starting from exactly two active admins.
/// </summary>
public sealed class LastAdminRaceTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "last admin password 1";
    private const int Rounds = 6;

    public static TheoryData<string, string> Moves => new()
    {
        { "deactivate", "deactivate" },
        { "remove the Admin role", "remove the Admin role" },
        { "deactivate", "remove the Admin role" },
    };

    [Theory]
    [MemberData(nameof(Moves))]
    public async Task TheLastTwoAdmins_ActingOnEachOtherAtOnce_LeaveOneActiveAdmin(string first, string second)
    {
        var survivor = await DemoAdminAsync();
        for (var round = 0; round < Rounds; round++)
        {
            var (a, aId) = await NewAdminAsync(survivor);
            var (b, bId) = await NewAdminAsync(survivor);
            survivor.Dispose();
            foreach (var admin in (await ActiveAdminsAsync(a)).Except([aId, bId]))
            {
                Assert.Equal(HttpStatusCode.OK, (await Move(a, "deactivate", admin)).StatusCode);
            }

            Assert.Equal(2, (await ActiveAdminsAsync(a)).Count);

            var answers = await Task.WhenAll(Move(a, first, bId), Move(b, second, aId));

            var codes = answers.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, codes.Count(c => c == HttpStatusCode.OK));
            // The loser is refused in one of three ways, all of which leave it without the power it
            // tried to use: the lock made it wait and the last-admin rule refused (409), its sign-in
            // had already ended (401), or its own Admin role was already gone when its request was
            // authorized (403).
            Assert.Contains(codes, c => c is HttpStatusCode.Conflict or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
            (survivor, var other) = codes[0] == HttpStatusCode.OK ? (a, b) : (b, a);
            other.Dispose();
            Assert.Single(await ActiveAdminsAsync(survivor));
        }

        survivor.Dispose();
    }

    private async Task<(HttpClient Client, string Id)> NewAdminAsync(HttpClient admin)
    {
        var email = $"race.{Guid.NewGuid():N}"[..14] + "@example.org";
        var id = await StaffAccounts.CreateAsync(factory, admin, email, Password, null, "Admin");
        return (await StaffAccounts.ClientAsync(factory, email, Password), id);
    }

    private static Task<HttpResponseMessage> Move(HttpClient admin, string move, string target) => move switch
    {
        "deactivate" => admin.PostAsync($"/api/v1/admin/users/{target}/deactivate", null),
        _ => admin.PutAsJsonAsync($"/api/v1/admin/users/{target}/roles", new { roles = new[] { "Clinician" } }),
    };

    /// <summary>The demo admin, active and an admin again whatever an earlier row left, signed in.</summary>
    private async Task<HttpClient> DemoAdminAsync()
    {
        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<StaffUserManager>();
            var admin = await users.FindByEmailAsync(Staff.Admin);
            Assert.True((await users.ReactivateAsync(admin!)).Succeeded);
            if (!await users.IsInRoleAsync(admin!, "Admin"))
            {
                Assert.True((await users.AddToRoleAsync(admin!, "Admin")).Succeeded);
            }
        }

        return await factory.ClientForAsync(Staff.Admin);
    }

    private static async Task<List<string>> ActiveAdminsAsync(HttpClient admin) =>
        [.. (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/users")).EnumerateArray()
            .Where(u => u.GetProperty("active").GetBoolean() && u.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "Admin"))
            .Select(u => u.GetProperty("id").GetString()!)];
}
