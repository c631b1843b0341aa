using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Mail;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Staff accounts made as a clinic makes them: an admin invites through the admin API, the invitee sets
/// their password with the emailed link and signs the training attestation; and API clients signed in as them.
/// </summary>
public static class StaffAccounts
{
    /// <summary>
    /// Invites the account (its display name is <paramref name="name"/>, or the email), accepts the
    /// invitation with <paramref name="password"/>, signs the training attestation, and returns its id.
    /// </summary>
    public static async Task<string> CreateAsync(ConsentWebFactory factory, HttpClient admin, string email, string password, string? name, params string[] roles)
    {
        var id = await InviteAsync(admin, email, name, roles);
        var set = await AcceptAsync(factory, id, password);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        using var client = await ClientAsync(factory, email, password);
        var signed = await client.PostAsJsonAsync("/api/v1/account/training", new { password });
        Assert.True(signed.IsSuccessStatusCode, $"training attestation: {(int)signed.StatusCode} {await signed.Content.ReadAsStringAsync()}");
        return id;
    }

    /// <summary>Invites a staff member through the admin API and returns the new account's id.</summary>
    public static async Task<string> InviteAsync(HttpClient admin, string email, string? name, params string[] roles)
    {
        var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { email, displayName = name ?? email, roles });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"invite: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Sets the account's password with the link in its latest invitation or reset mail.</summary>
    public static async Task<HttpResponseMessage> AcceptAsync(ConsentWebFactory factory, string id, string password)
    {
        using var anonymous = factory.CreateClient();
        return await anonymous.PostAsJsonAsync("/api/v1/auth/link/password", new { token = await LinkAsync(factory, id), password });
    }

    /// <summary>
    /// The link in the latest invitation or reset mail the service queued for the account, as the mail
    /// would carry it: read from the outbox job and decrypted with the service's own key ring (the
    /// outbox worker is off in most tests, so the job waits there).
    /// </summary>
    public static async Task<string> LinkAsync(ConsentWebFactory factory, string id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand(
            "SELECT payload::text FROM outbox_jobs WHERE kind = 'send-staff-mail' AND payload->>'account' = $1 AND payload ? 'link' ORDER BY id DESC LIMIT 1", connection);
        read.Parameters.Add(new NpgsqlParameter { Value = id });
        if (await read.ExecuteScalarAsync() is string payload)
        {
            return factory.Services.GetRequiredService<StaffMail>().Unprotect(JsonNode.Parse(payload)!["link"]!.GetValue<string>());
        }

        // A factory whose outbox worker runs has sent it already (and removed the link from the job): read the mail itself.
        return await SentLinkAsync(factory, id);
    }

    /// <summary>The link in the newest staff mail the service wrote to its development mail folder for the account.</summary>
    public static async Task<string> SentLinkAsync(ConsentWebFactory factory, string id)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var email = new NpgsqlCommand("SELECT email FROM \"AspNetUsers\" WHERE id = $1::uuid", connection);
        email.Parameters.Add(new NpgsqlParameter { Value = id });
        var address = (string)(await email.ExecuteScalarAsync())!;
        var folder = factory.Services.GetRequiredService<MailSettings>().DropFolder ?? throw new InvalidOperationException("This service writes no mail folder.");
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var newest = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, "*.eml").Select(f => MimeKit.MimeMessage.Load(f))
                    .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)) && (m.TextBody ?? "").Contains(AccountLinkPath, StringComparison.Ordinal))
                    .OrderByDescending(m => m.Date).FirstOrDefault()
                : null;
            if (newest is not null)
            {
                return newest.TextBody!.Split('\n').Select(l => l.Trim()).First(l => l.Contains(AccountLinkPath, StringComparison.Ordinal));
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"No staff link mail was queued or sent for account {id}.");
    }

    private const string AccountLinkPath = "/account/link/";

    /// <summary>A client carrying a fresh bearer token of an account with an authenticator, signed in with <paramref name="code"/>: a new sign-in.</summary>
    public static async Task<HttpClient> ClientWithCodeAsync(ConsentWebFactory factory, string email, string password, string code)
    {
        using var anonymous = factory.CreateClient();
        var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password, twoFactorCode = code });
        Assert.True(login.StatusCode == HttpStatusCode.OK, $"sign-in with a code: {(int)login.StatusCode} {await login.Content.ReadAsStringAsync()}");
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>A client carrying a fresh bearer token of the account.</summary>
    public static async Task<HttpClient> ClientAsync(ConsentWebFactory factory, string email, string password)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await factory.LoginAsync(email, password));
        return client;
    }
}
