using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// In Development the demo accounts are put back at every start: one whose seal does not hold (a
/// database from before account seals, or one changed by hand) gets its one role, the demo
/// password and no second factor again, so the password scripts/run.sh prints keeps working.
/// </summary>
public sealed class DemoAccountSealTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task ADemoAccountWithoutASeal_IsRefused_ThenPutBackAtTheNextStart_WithItsOneRole()
    {
        await using (var connection = await factory.OpenDatabaseAsync())
        {
            await using var change = new NpgsqlCommand("""
                UPDATE "AspNetUsers" SET account_seal = NULL WHERE normalized_email = 'CLINICIAN@EXAMPLE.ORG';
                INSERT INTO "AspNetUserRoles" (user_id, role_id)
                SELECT u.id, r.id FROM "AspNetUsers" u, "AspNetRoles" r WHERE u.normalized_email = 'CLINICIAN@EXAMPLE.ORG' AND r.name = 'Admin'
                """, connection);
            await change.ExecuteNonQueryAsync();
        }

        using (var client = factory.CreateClient())
        {
            var refused = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "clinician@example.org", password = ConsentWebFactory.DemoPassword });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var logs = new ConcurrentQueue<string>();
        await using var restarted = factory.Restarted(logs);
        using var again = restarted.CreateClient();
        var signedIn = await again.PostAsJsonAsync("/api/v1/auth/login", new { email = "clinician@example.org", password = ConsentWebFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Contains(logs, line => line.Contains("Demo account clinician@example.org had no seal that holds", StringComparison.Ordinal));
        await using var check = await factory.OpenDatabaseAsync();
        await using var roles = new NpgsqlCommand("""
            SELECT string_agg(r.name, ',' ORDER BY r.name) FROM "AspNetUserRoles" ur JOIN "AspNetRoles" r ON r.id = ur.role_id
            JOIN "AspNetUsers" u ON u.id = ur.user_id WHERE u.normalized_email = 'CLINICIAN@EXAMPLE.ORG'
            """, check);
        Assert.Equal("Clinician", await roles.ExecuteScalarAsync());
    }
}
