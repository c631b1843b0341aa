using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Outbox;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Hosting;

/// <summary>The service outside Development: HSTS and no framing on its answers, and no mail at all when no SMTP host is set.</summary>
public sealed class ProductionHostTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task AnswersOverHttps_CarryHsts_AndForbidFraming()
    {
        using var client = factory.CreateClient(new() { BaseAddress = new Uri("https://consent.clinic.example"), AllowAutoRedirect = false });

        foreach (var path in new[] { "/Account/Login", "/health/live" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var hsts = Assert.Single(response.Headers.GetValues("Strict-Transport-Security"));
            Assert.StartsWith("max-age=", hsts, StringComparison.Ordinal);
            Assert.True(long.Parse(hsts["max-age=".Length..].Split(';')[0], System.Globalization.CultureInfo.InvariantCulture) >= 30 * 24 * 3600, hsts);
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        }
    }

    [Fact]
    public async Task WithNoSmtpHost_NoMailIsSent_TheLogSaysSo_AndTheLinkIsNotKept()
    {
        await factory.CreateStaffAsync("nohost.reviewer@example.org", StaffRoles.EthicsReviewer);
        await factory.CreateStaffAsync("nohost.clinician@example.org", StaffRoles.Clinician);
        using var reviewer = await StaffAccounts.ClientAsync(factory, "nohost.reviewer@example.org", ProductionFactory.Password);
        (await ReviewerApprovals.ApproveAsync(reviewer, "ketamine-iv-depression", 1, ProductionFactory.Password, "Approved for the mail test.")).EnsureSuccessStatusCode();
        await ReviewerApprovals.SecondApprovalAsync(factory, "ketamine-iv-depression", 1, "nohost.reviewer2@example.org");
        using var clinician = await StaffAccounts.ClientAsync(factory, "nohost.clinician@example.org", ProductionFactory.Password);
        var started = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en",
            patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01", email = "pat.doe@example.net" },
        });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // The hosted worker is off in test hosts: the test runs the jobs itself, then reads what the mail job left.
        var worker = factory.Services.GetRequiredService<OutboxWorker>();
        var ran = 0;
        while (ran < 20 && await worker.RunOneAsync(CancellationToken.None))
        {
            ran++;
        }

        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand(
            "SELECT id, payload::text, completed_at IS NOT NULL FROM outbox_jobs WHERE session_id = @s AND kind = 'send-mail'", db);
        query.Parameters.AddWithValue("s", id);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "no mail job for a session with an email address");
        var (job, payload, completed) = (reader.GetInt64(0), reader.GetString(1), reader.GetBoolean(2));
        Assert.True(completed, $"the mail job is not done: {payload}");
        var left = JsonDocument.Parse(payload).RootElement;
        Assert.Equal("invitation", left.GetProperty("what").GetString());
        Assert.False(left.GetProperty("sent").GetBoolean());
        Assert.False(left.TryGetProperty("link", out _), $"the link is still kept: {payload}");
        Assert.Contains(factory.LogLines, line => line.Contains($"Patient mail for outbox job {job} was not sent: Smtp:Host is not configured", StringComparison.Ordinal));
    }
}
