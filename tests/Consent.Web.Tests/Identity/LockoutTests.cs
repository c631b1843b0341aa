using System.Net;
using System.Net.Http.Json;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>Five wrong passwords lock a staff account for 15 minutes; once that time has passed, the right password works again.</summary>
public sealed class LockoutTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "lockout test password 1";

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccountFor15Minutes_ThenItSignsInAgain()
    {
        var email = $"locked.{Guid.NewGuid():N}"[..20] + "@example.org";
        using (var admin = await factory.ClientForAsync(Staff.Admin))
        {
            await StaffAccounts.CreateAsync(admin, email, Password, null, "Clinician");
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(email, "not the password"));
        }

        var locked = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(email, Password));
        var end = await LockoutEndAsync(email);
        Assert.NotNull(end);
        Assert.InRange(end!.Value - locked, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15).Add(TimeSpan.FromSeconds(5)));

        // Identity reads the real clock, so the 15 minutes are stood for by moving the lockout's end
        // into the past, which is what the database holds once they have passed.
        await SetLockoutEndAsync(email, DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(email, Password));
    }

    private async Task<HttpStatusCode> SignInAsync(string email, string password)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        return response.StatusCode;
    }

    private async Task<DateTimeOffset?> LockoutEndAsync(string email)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""SELECT lockout_end FROM "AspNetUsers" WHERE normalized_email = upper(@e)""", db);
        query.Parameters.AddWithValue("e", email);
        return await query.ExecuteScalarAsync() is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    private async Task SetLockoutEndAsync(string email, DateTimeOffset end)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var update = new NpgsqlCommand("""UPDATE "AspNetUsers" SET lockout_end = @end WHERE normalized_email = upper(@e)""", db);
        update.Parameters.AddWithValue("e", email);
        update.Parameters.AddWithValue("end", end);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }
}
