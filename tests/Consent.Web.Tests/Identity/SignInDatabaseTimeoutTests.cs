using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// A sign-in whose account lookup times out (the database is slow, not wrong) is a 503 the caller may retry,
/// not the "two accounts with one email" AUDIT ALERT: Npgsql's EF Core execution strategy wraps a transient
/// failure in an <see cref="InvalidOperationException"/>, as LINQ's Single does for a second row, and the
/// sign-in used to take every such exception for a duplicate. The table is held by a real lock; the
/// service's statements give up after 2 s (Command Timeout).
/// </summary>
public sealed class SignInDatabaseTimeoutTests(SignInDatabaseTimeoutTests.ImpatientFactory factory)
    : IClassFixture<SignInDatabaseTimeoutTests.ImpatientFactory>
{
    public sealed class ImpatientFactory : ProductionFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
        {
            ["ConnectionStrings:Consent"] = ConnectionString + ";Command Timeout=2",
        };
    }

    [Fact]
    public async Task ALookupThatTimesOut_IsA503_NotADuplicateEmailAlert()
    {
        await factory.CreateStaffAsync("slow.lookup@example.org", StaffRoles.Clinician);
        using var client = factory.CreateClient();

        HttpResponseMessage response;
        await using (var owner = await factory.OpenOwnerDatabaseAsync())
        await using (var transaction = await owner.BeginTransactionAsync())
        {
            await using (var hold = new Npgsql.NpgsqlCommand("LOCK TABLE \"AspNetUsers\" IN ACCESS EXCLUSIVE MODE", owner, transaction))
            {
                await hold.ExecuteNonQueryAsync();
            }

            response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "slow.lookup@example.org", password = ProductionFactory.Password });
            await transaction.RollbackAsync();
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Temporarily unavailable", problem.GetProperty("title").GetString());
        }

        Assert.DoesNotContain(factory.LogLines, line => line.Contains("more than one staff account", StringComparison.Ordinal));

        // Once the lock is gone the same sign-in works: nothing was counted against the account.
        using var again = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "slow.lookup@example.org", password = ProductionFactory.Password });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }
}
