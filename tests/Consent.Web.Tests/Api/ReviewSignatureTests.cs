using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Consent.Web.Identity;
using Consent.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Api;

/// <summary>
/// Issue 15: an ethics approval or retirement is an electronic signature (21 CFR 11.50, 11.70, 11.200(a)): executed by
/// entering the password again, stored with the printed name, time, meaning and the version's hash, and shown with them.
/// In Production two distinct reviewers must approve a version before a session starts on it; no one approves twice.
/// </summary>
public sealed partial class ReviewSignatureTests(ProductionFactory factory) : IClassFixture<ProductionFactory>
{
    private const string Workflow = "ketamine-iv-depression";

    [Fact]
    public async Task InProduction_TwoDistinctReviewersMustApprove_NoOneTwice_AndEachSignatureIsShown()
    {
        using var first = await ClientAsync("sig.first@example.org", StaffRoles.EthicsReviewer);
        using var second = await ClientAsync("sig.second@example.org", StaffRoles.EthicsReviewer);
        using var clinician = await ClientAsync("sig.clinician@example.org", StaffRoles.Clinician);
        var hash = (await first.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/{Workflow}/versions/1")).GetProperty("hash").GetString();

        // One approval: signed, but the version stays pending (1 of 2) and no session starts on it.
        var approved = await ReviewerApprovals.ApproveAsync(first, Workflow, 1, ProductionFactory.Password, "Texts and reading levels reviewed.");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decided = await approved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", decided.GetProperty("approval").GetString());
        Assert.Equal(1, decided.GetProperty("approvals").GetInt32());
        Assert.Equal(2, decided.GetProperty("requiredApprovals").GetInt32());
        var signature = decided.GetProperty("signature");
        Assert.Equal("sig.first@example.org", signature.GetProperty("printedName").GetString());
        Assert.Equal("Approved for use with patients", signature.GetProperty("meaning").GetString());
        Assert.Equal(hash, signature.GetProperty("workflowHash").GetString());
        Assert.Matches(Manifestation("sig.first@example.org"), signature.GetProperty("manifestation").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostAsJsonAsync("/api/v1/sessions", Start())).StatusCode);
        Assert.DoesNotContain((await clinician.GetFromJsonAsync<JsonElement>("/api/v1/workflows")).EnumerateArray(), w => w.GetProperty("id").GetString() == Workflow);
        var pending = await first.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/{Workflow}/versions/1");
        Assert.Equal("Pending", pending.GetProperty("approval").GetString());
        Assert.Equal(1, pending.GetProperty("approvals").GetInt32());
        Assert.Equal(2, pending.GetProperty("requiredApprovals").GetInt32());
        Assert.Matches(Manifestation("sig.first@example.org"), pending.GetProperty("decisions")[0].GetProperty("signature").GetProperty("manifestation").GetString());

        // The same reviewer again: a conflict, and nothing recorded.
        var twice = await ReviewerApprovals.ApproveAsync(first, Workflow, 1, ProductionFactory.Password, "Me again.");
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("already approved", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await DecisionsAsync());

        // Another reviewer with a wrong password, or none: a 400 on the password, and nothing recorded.
        foreach (var password in new[] { "not my password", "" })
        {
            var wrong = await ReviewerApprovals.ApproveAsync(second, Workflow, 1, password);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            var problem = await wrong.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
            // The detail names the field and says nothing changed; it does not claim the body could not be read.
            var detail = problem.GetProperty("detail").GetString();
            Assert.StartsWith("password: ", detail, StringComparison.Ordinal);
            Assert.EndsWith("Nothing was changed.", detail, StringComparison.Ordinal);
        }

        Assert.Equal(1, await DecisionsAsync());
        Assert.Equal("Pending", (await first.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/{Workflow}/versions/1")).GetProperty("approval").GetString());
        // A wrong password counts toward the account's lockout, as at sign-in and the countersignature (an empty one is not tried).
        Assert.Equal(1, await ScalarAsync("SELECT access_failed_count FROM \"AspNetUsers\" WHERE email = 'sig.second@example.org'"));

        // The second distinct reviewer: approved, and sessions start on it.
        var both = await ReviewerApprovals.ApproveAsync(second, Workflow, 1, ProductionFactory.Password, "Agree.");
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        Assert.Equal("Approved", (await both.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("approval").GetString());
        Assert.Equal(HttpStatusCode.Created, (await clinician.PostAsJsonAsync("/api/v1/sessions", Start())).StatusCode);

        // Both signatures, with their manifestation, in the review, the version list and the approved list.
        var review = await first.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/{Workflow}/versions/1");
        Assert.Equal(["sig.first@example.org", "sig.second@example.org"], review.GetProperty("signatures").EnumerateArray().Select(s => s.GetProperty("printedName").GetString()));
        var listed = (await first.GetFromJsonAsync<JsonElement>("/api/v1/workflows/versions")).EnumerateArray()
            .Single(v => v.GetProperty("id").GetString() == Workflow && v.GetProperty("version").GetInt32() == 1);
        Assert.Equal(2, listed.GetProperty("approvals").GetInt32());
        Assert.Matches(Manifestation("sig.second@example.org"), listed.GetProperty("signatures")[1].GetProperty("manifestation").GetString());
        var offered = (await clinician.GetFromJsonAsync<JsonElement>("/api/v1/workflows")).EnumerateArray().Single(w => w.GetProperty("id").GetString() == Workflow);
        Assert.Equal(2, offered.GetProperty("approvals").GetArrayLength());

        // The system audit trail carries each signature.
        var events = await SystemEventDetailsAsync("workflow.version.approved", 2);
        Assert.Contains(events, e => e.GetProperty("signature").GetProperty("printedName").GetString() == "sig.second@example.org"
            && e.GetProperty("signature").GetProperty("meaning").GetString() == "Approved for use with patients"
            && e.GetProperty("signature").GetProperty("workflowHash").GetString() == hash
            && e.GetProperty("signature").TryGetProperty("signedAt", out _));
    }

    [Fact]
    public async Task OneReviewerRetires_WithASignature_AndAWrongPasswordChangesNothing()
    {
        using var reviewer = await ClientAsync("sig.retirer@example.org", StaffRoles.EthicsReviewer);
        var wrong = await ReviewerApprovals.RetireAsync(reviewer, "ketamine-chronic-pain", 1, "wrong password");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("Pending", (await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/ketamine-chronic-pain/versions/1")).GetProperty("approval").GetString());

        var retired = await ReviewerApprovals.RetireAsync(reviewer, "ketamine-chronic-pain", 1, ProductionFactory.Password);
        Assert.Equal(HttpStatusCode.OK, retired.StatusCode);
        var signature = (await retired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signature");
        Assert.Equal("Retired", signature.GetProperty("meaning").GetString());
        Assert.Matches(RetiredBy(), signature.GetProperty("manifestation").GetString());
        Assert.Equal("Retired", (await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/ketamine-chronic-pain/versions/1")).GetProperty("approval").GetString());
    }

    /// <summary>
    /// A second "reviewer" made in the database by copying a genuine sealed approval under another account's id (and the
    /// next number) does not count: its seal does not hold, the version is Unverified, nothing starts on it, and the log
    /// raises an AUDIT ALERT.
    /// </summary>
    [Fact]
    public async Task AnApprovalCopiedInTheDatabaseUnderAnotherReviewer_CountsForNothing()
    {
        using var reviewer = await ClientAsync("sig.copied@example.org", StaffRoles.EthicsReviewer);
        using var clinician = await ClientAsync("sig.copied.clinician@example.org", StaffRoles.Clinician);
        Assert.Equal(HttpStatusCode.OK, (await ReviewerApprovals.ApproveAsync(reviewer, "esketamine-nasal-trd", 2, ProductionFactory.Password)).StatusCode);
        var accomplice = await factory.CreateStaffAsync("sig.accomplice@example.org", StaffRoles.EthicsReviewer);

        await ScalarAsync($"""
            INSERT INTO workflow_reviews (workflow_id, version, decision, comment, reviewer_id, decided_at, seq, seal, signer_name, meaning, signed_hash)
            SELECT workflow_id, version, decision, comment, '{accomplice}', decided_at, seq + 1, seal, 'sig.accomplice@example.org', meaning, signed_hash
            FROM workflow_reviews WHERE workflow_id = 'esketamine-nasal-trd' AND version = 2
            RETURNING seq
            """);
        await ScalarAsync("UPDATE workflow_versions SET approval = 'Approved' WHERE workflow_id = 'esketamine-nasal-trd' AND version = 2 RETURNING version");

        var review = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/esketamine-nasal-trd/versions/2");
        Assert.Equal("Unverified", review.GetProperty("approval").GetString());
        Assert.Equal(1, review.GetProperty("approvals").GetInt32());
        Assert.False(review.GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("reviewerId").GetGuid() == accomplice).GetProperty("recordedByService").GetBoolean());
        Assert.DoesNotContain((await clinician.GetFromJsonAsync<JsonElement>("/api/v1/workflows")).EnumerateArray(),
            w => w.GetProperty("id").GetString() == "esketamine-nasal-trd" && w.GetProperty("version").GetInt32() == 2);
        Assert.Contains(factory.LogLines, line => line.Contains("AUDIT ALERT: workflow esketamine-nasal-trd version 2", StringComparison.Ordinal));
    }

    /// <summary>
    /// A decision recorded before decisions were signatures (sealed without printed name, meaning or hash: the v1 seal)
    /// still verifies and counts, shown with the account's current name and marked as such.
    /// </summary>
    [Fact]
    public async Task ADecisionSealedBeforeSignatures_StillVerifies_AndIsShownWithTheAccountsName()
    {
        using var reviewer = await ClientAsync("sig.legacy@example.org", StaffRoles.EthicsReviewer);
        var earlier = await factory.CreateStaffAsync("sig.earlier@example.org", StaffRoles.EthicsReviewer);
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Consent.Web.Data.ConsentDbContext>();
            var entry = await db.WorkflowVersions.SingleAsync(w => w.WorkflowId == "esketamine-nasal-trd" && w.Version == 1);
            var legacy = new Consent.Web.Data.Entities.WorkflowReview
            {
                WorkflowId = entry.WorkflowId, Version = entry.Version, Decision = Consent.Web.Data.Entities.ApprovalState.Approved,
                Comment = "Approved before signatures.", ReviewerId = earlier, DecidedAt = DateTimeOffset.UtcNow.AddDays(-1),
            };
            scope.ServiceProvider.GetRequiredService<Consent.Web.WorkflowVersions.ReviewSeals>().Seal(legacy, 1, entry.Hash);
            db.WorkflowReviews.Add(legacy);
            await db.SaveChangesAsync();
        }

        var review = await reviewer.GetFromJsonAsync<JsonElement>("/api/v1/workflows/esketamine-nasal-trd/versions/1");
        Assert.Equal("Pending", review.GetProperty("approval").GetString());
        Assert.Equal(1, review.GetProperty("approvals").GetInt32());
        var decision = review.GetProperty("decisions").EnumerateArray().Single();
        Assert.True(decision.GetProperty("recordedByService").GetBoolean());
        Assert.True(decision.GetProperty("signature").GetProperty("recordedBeforeSignatures").GetBoolean());
        Assert.Equal("sig.earlier@example.org", decision.GetProperty("signature").GetProperty("printedName").GetString());

        // The second approval, a signature, approves it.
        var approved = await ReviewerApprovals.ApproveAsync(reviewer, "esketamine-nasal-trd", 1, ProductionFactory.Password);
        Assert.Equal("Approved", (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("approval").GetString());
    }

    private static Regex Manifestation(string name) =>
        new($@"^Approved for use with patients by {Regex.Escape(name)}, \d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}} [+\u2212-]\d{{2}}:\d{{2}}$");

    [GeneratedRegex(@"^Retired by sig\.retirer@example\.org, \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+\u2212-]\d{2}:\d{2}$")]
    private static partial Regex RetiredBy();

    private static object Start() => new { workflowId = Workflow, language = "en", patient = new { name = "Pat Doe", dateOfBirth = "1970-01-01" } };

    [Fact]
    public async Task OneReviewer_SendingTheApprovalManyTimesAtOnce_ApprovesOnce()
    {
        using var reviewer = await ClientAsync("sig.eager@example.org", StaffRoles.EthicsReviewer);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ReviewerApprovals.ApproveAsync(reviewer, "esketamine-dose-checkin", 1, ProductionFactory.Password)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM workflow_reviews WHERE workflow_id = 'esketamine-dose-checkin' AND version = 1"));
    }

    private async Task<HttpClient> ClientAsync(string email, string role)
    {
        await factory.CreateStaffAsync(email, role);
        return await StaffAccounts.ClientAsync(factory, email, ProductionFactory.Password);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task<long> DecisionsAsync()
    {
        await using var connection = await factory.OpenDatabaseAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM workflow_reviews WHERE workflow_id = '{Workflow}'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The details of the system events of this type, once at least <paramref name="count"/> are written (they are written in batches).</summary>
    private async Task<List<JsonElement>> SystemEventDetailsAsync(string type, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await factory.OpenDatabaseAsync();
            await using var command = new NpgsqlCommand("SELECT detail FROM system_events WHERE type = @type ORDER BY seq", connection);
            command.Parameters.AddWithValue("type", type);
            var details = new List<JsonElement>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    details.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.Clone());
                }
            }

            if (details.Count >= count || attempt >= 50)
            {
                return details;
            }

            await Task.Delay(200);
        }
    }
}
