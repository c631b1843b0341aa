using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Npgsql;

namespace Consent.Web.Tests.Api;

/// <summary>
/// Only a reviewer's decision the service recorded approves a workflow version: an outside attack
/// as the runtime role set <c>workflow_versions.approval</c> back to Approved on a version an ethics
/// reviewer had retired, and clinicians started consents on it again. Decisions are now sealed and
/// numbered (WorkflowVersions/ReviewSeals.cs); the latest sealed one decides. In Production.
/// </summary>
public sealed class WorkflowApprovalSealTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    [Fact]
    public async Task AnApprovalWrittenInTheDatabase_IsNotOffered_AndStartsNoSession()
    {
        using var clinician = await ClientAsync("approval.clinician@example.org", StaffRoles.Clinician);
        await ExecuteAsync("""
            UPDATE workflow_versions SET approval = 'Approved' WHERE workflow_id = 'ketamine-chronic-pain' AND version = 1;
            INSERT INTO workflow_reviews (workflow_id, version, decision, comment, reviewer_id, decided_at, seq, seal)
            VALUES ('ketamine-chronic-pain', 1, 'Approved', 'Looks fine.', gen_random_uuid(), now(), 1, '0123456789abcdef:' || repeat('0', 64));
            INSERT INTO workflow_reviews (workflow_id, version, decision, comment, reviewer_id, decided_at)
            VALUES ('ketamine-chronic-pain', 1, 'Approved', 'Looks fine too.', gen_random_uuid(), now());
            """);

        var offered = await clinician.GetFromJsonAsync<JsonElement>("/api/v1/workflows");
        Assert.DoesNotContain(offered.EnumerateArray(), w => w.GetProperty("id").GetString() == "ketamine-chronic-pain");
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/sessions", Start("ketamine-chronic-pain"))).StatusCode);
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT: workflow ketamine-chronic-pain version 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARetiredVersionMarkedApprovedAgainInTheDatabase_StartsNoSession()
    {
        using var clinician = await ClientAsync("retired.clinician@example.org", StaffRoles.Clinician);
        using var reviewer = await ClientAsync("retired.reviewer@example.org", StaffRoles.EthicsReviewer);
        Assert.Equal(HttpStatusCode.OK, (await ReviewerApprovals.ApproveAsync(reviewer, "esketamine-nasal-trd", 1, ProductionFactory.Password)).StatusCode);
        await ReviewerApprovals.SecondApprovalAsync(factory, "esketamine-nasal-trd", 1, "retired.reviewer2@example.org");
        Assert.Equal(HttpStatusCode.Created, (await clinician.PostAsJsonAsync("/api/v1/sessions", Start("esketamine-nasal-trd"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReviewerApprovals.RetireAsync(reviewer, "esketamine-nasal-trd", 1, ProductionFactory.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/sessions", Start("esketamine-nasal-trd"))).StatusCode);

        await ExecuteAsync("UPDATE workflow_versions SET approval = 'Approved' WHERE workflow_id = 'esketamine-nasal-trd' AND version = 1");

        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/sessions", Start("esketamine-nasal-trd"))).StatusCode);
        var again = await ReviewerApprovals.ApproveAsync(reviewer, "esketamine-nasal-trd", 1, ProductionFactory.Password, "Again?");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("retired", await again.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The third outside review inserted a Retired decision under a real reviewer's id with a seal of its own
    /// making: sessions ignored it (AUDIT ALERT), but the review answer listed it as genuine and still said Approved.
    /// </summary>
    [Fact]
    public async Task ADecisionWrittenInTheDatabase_IsShownAsNotRecorded_AndTheStateAsUnverified()
    {
        using var reviewer = await ClientAsync("forged.reviewer@example.org", StaffRoles.EthicsReviewer);
        Assert.Equal(HttpStatusCode.OK, (await ReviewerApprovals.ApproveAsync(reviewer, "ketamine-iv-depression", 1, ProductionFactory.Password)).StatusCode);
        await ReviewerApprovals.SecondApprovalAsync(factory, "ketamine-iv-depression", 1, "forged.reviewer2@example.org");
        var genuine = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/ketamine-iv-depression/versions/1");
        Assert.Equal("Approved", genuine.GetProperty("approval").GetString());
        var reviewerId = genuine.GetProperty("decisions").EnumerateArray().Last().GetProperty("reviewerId").GetGuid();

        await ExecuteAsync($"""
            INSERT INTO workflow_reviews (workflow_id, version, decision, comment, reviewer_id, decided_at, seq, seal)
            SELECT 'ketamine-iv-depression', 1, 'Retired', 'Retired by the ethics board chair.', '{reviewerId}', now(), max(seq) + 1, '0123456789abcdef:' || repeat('0', 64)
            FROM workflow_reviews WHERE workflow_id = 'ketamine-iv-depression' AND version = 1
            """);

        var shown = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/ketamine-iv-depression/versions/1");
        Assert.Equal("Unverified", shown.GetProperty("approval").GetString());
        var decisions = shown.GetProperty("decisions").EnumerateArray().ToList();
        Assert.False(decisions.Single(d => d.GetProperty("decision").GetString() == "Retired").GetProperty("recordedByService").GetBoolean());
        Assert.All(decisions.Where(d => d.GetProperty("decision").GetString() == "Approved"), d => Assert.True(d.GetProperty("recordedByService").GetBoolean()));
    }

    private static object Start(string workflowId) =>
        new { workflowId, language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" } };

    private async Task<HttpClient> ClientAsync(string email, string role)
    {
        await factory.CreateStaffAsync(email, role);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await factory.LoginAsync(email, ProductionFactory.Password));
        return client;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
