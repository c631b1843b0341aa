using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Tests.Infrastructure;

namespace Consent.Web.Tests.Identity;

/// <summary>
/// A temporary password is read out or copied from a note, like an enrolment code, and its
/// alphabet has one case and no look-alikes: it signs in (and is accepted as the current password
/// when it is replaced) in any case, without its hyphens or with spaces instead.
/// </summary>
public sealed class TemporaryPasswordTypingTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    private const string Password = "typing password 1";

    [Fact]
    public async Task ATemporaryPassword_WorksInLowerCase_WithoutHyphens_OrWithSpaces()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        var id = await StaffAccounts.CreateAsync(factory, admin, "typist@example.org", Password, null, "Clinician");
        var temporary = (await (await admin.PostAsync($"/api/v1/admin/users/{id}/password/reset", null)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("temporaryPassword").GetString()!;
        Assert.Matches("^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$", temporary);

        using var client = await StaffAccounts.ClientAsync(factory, "typist@example.org", temporary.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal));
        var changed = await client.PostAsJsonAsync("/api/v1/account/password",
            new { currentPassword = " " + temporary.Replace('-', ' ').ToLowerInvariant(), newPassword = "typed password 2" });

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await factory.LoginAsync("typist@example.org", "typed password 2");
    }

    [Fact]
    public async Task AnOrdinaryPassword_IsStillExact()
    {
        using var admin = await factory.ClientForAsync(Staff.Admin);
        await StaffAccounts.CreateAsync(factory, admin, "exact@example.org", "Case Matters Here 1", null, "Clinician");
        using var client = factory.CreateClient();

        var answer = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "exact@example.org", password = "case matters here 1" });

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }
}
