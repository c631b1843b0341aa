using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// The last-admin rule counted any active account holding Admin, also one that cannot use it: an
/// admin with only a temporary password (no role until it chooses its own), or, outside
/// Development, one without a second factor (Admin needs it). The only admin who could act then
/// gave up the role and left the clinic with nobody able to administer it. In Production.
/// </summary>
public sealed class LastCapableAdminTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task AnAdminWithoutASecondFactor_OrWithOnlyATemporaryPassword_DoesNotCountAsAnotherAdmin()
    {
        var key = await factory.CreateStaffWithSecondFactorAsync("able.admin@example.org", StaffRoles.Admin);
        var able = await IdAsync("able.admin@example.org");
        await factory.CreateStaffAsync("unenrolled.admin@example.org", StaffRoles.Admin);
        await factory.CreateStaffWithSecondFactorAsync("temporary.admin@example.org", StaffRoles.Admin);
        var temporary = await IdAsync("temporary.admin@example.org");
        await SetTemporaryPasswordAsync(temporary, DateTimeOffset.UtcNow.AddDays(1));
        using var admin = factory.CreateClient();
        var login = await admin.PostAsJsonAsync("/api/v1/auth/login", new
        {
            email = "able.admin@example.org", password = ProductionFactory.Password, twoFactorCode = Totp.Code(key, factory.Clock.GetUtcNow()),
        });
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());

        var refused = await admin.PutAsJsonAsync($"/api/v1/admin/users/{able}/roles", new { roles = new[] { StaffRoles.Clinician } });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/admin/users")).StatusCode);

        // Once the other admin has chosen its own password (and has a second factor), it counts.
        await SetTemporaryPasswordAsync(temporary, null);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/admin/users/{able}/roles", new { roles = new[] { StaffRoles.Clinician } })).StatusCode);
    }

    private async Task<Guid> IdAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByEmailAsync(email))!.Id;
    }

    private async Task SetTemporaryPasswordAsync(Guid id, DateTimeOffset? expiresAt)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand("UPDATE \"AspNetUsers\" SET temporary_password_expires_at = @expires WHERE id = @id", connection);
        command.Parameters.AddWithValue("expires", expiresAt is { } at ? at : DBNull.Value);
        command.Parameters.AddWithValue("id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
