using System.Net.Http.Json;
using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// Upgrading from a version without event seals: the events written before hold no seal and the
/// audit reports every one of them. The owner's <c>seal-event-log</c> command seals the sessions
/// that check out (chain, session row, signed records) and leaves a changed one unsealed and named;
/// afterwards the append-only trigger is on again.
/// </summary>
public sealed class SealEventLogTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task EventsWrittenBeforeSeals_AreSealed_WhenTheirSessionChecksOut_AndAChangedOneIsLeftAndNamed()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var signed = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, signed.Id);
        var started = await StartAsync(driver.Clinician);
        var changed = await StartAsync(driver.Clinician);

        // As the earlier version left them: no seals. One session was also changed since, without its hash.
        await OwnerAsync("UPDATE consent_events SET seal = NULL, seal_key = NULL WHERE session_id = ANY(@ids)", [signed.Id, started, changed]);
        await OwnerAsync("UPDATE consent_events SET ip = '203.0.113.9' WHERE session_id = ANY(@ids) AND seq = 1", [changed]);

        var before = await AuditAsync();
        foreach (var id in new[] { signed.Id, started })
        {
            Assert.Contains(before.Findings, f => f.SessionId == id && f.What.Contains("carries no seal", StringComparison.Ordinal));
        }

        Assert.Contains(before.Findings, f => f.SessionId == changed && f.What.Contains("changed after it was recorded", StringComparison.Ordinal));

        var command = await SealCommandAsync();
        Assert.Equal(1, command.ExitCode);
        Assert.Contains($"sealed   session {signed.Id}", command.Output, StringComparison.Ordinal);
        Assert.Contains($"sealed   session {started}", command.Output, StringComparison.Ordinal);
        Assert.Contains($"PROBLEM  session {changed} at event 1: event 1 was changed after it was recorded (left unsealed)", command.Output, StringComparison.Ordinal);

        var after = await AuditAsync();
        Assert.DoesNotContain(after.Findings, f => f.SessionId == signed.Id || f.SessionId == started);
        Assert.Contains(after.Findings, f => f.SessionId == changed);
        Assert.True((await driver.EventsAsync(signed.Id))["verified"]!.GetValue<bool>());

        // The trigger is back on: even the owner cannot change an event now.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => OwnerAsync("UPDATE consent_events SET seal = NULL WHERE session_id = ANY(@ids)", [signed.Id], trigger: false));
        Assert.Contains("append-only", refused.MessageText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheCommand_AsTheRuntimeRole_SealsNothing()
    {
        var command = await ServiceProcess.RunAsync(Environment(owner: factory.ConnectionString), "seal-event-log");
        Assert.NotEqual(0, command.ExitCode);
        Assert.DoesNotContain("Sealed ", command.Output, StringComparison.Ordinal);
    }

    private static async Task<Guid> StartAsync(HttpClient clinician)
    {
        var response = await clinician.PostAsJsonAsync("/api/v1/sessions", new
        {
            workflowId = "ketamine-iv-depression", language = "en",
            patient = new { name = "Ingrid Upgrade", dateOfBirth = "1966-09-14" },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task OwnerAsync(string sql, Guid[] ids, bool trigger = true)
    {
        await using var owner = await factory.OpenOwnerDatabaseAsync();
        await using var transaction = await owner.BeginTransactionAsync();
        if (trigger)
        {
            await new NpgsqlCommand("ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete", owner, transaction).ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, owner, transaction);
        command.Parameters.AddWithValue("ids", ids);
        await command.ExecuteNonQueryAsync();
        if (trigger)
        {
            await new NpgsqlCommand("ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete", owner, transaction).ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private async Task<AuditReport> AuditAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
    }

    private Task<ServiceProcess.Result> SealCommandAsync() => ServiceProcess.RunAsync(Environment(factory.OwnerConnectionString), "seal-event-log");

    private Dictionary<string, string> Environment(string owner) => new()
    {
        ["ConnectionStrings__Consent"] = factory.ConnectionString,
        ["ConnectionStrings__ConsentOwner"] = owner,
        ["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path,
        ["CONSENT_DATA_DIR"] = factory.DataDirectory,
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
    };
}
