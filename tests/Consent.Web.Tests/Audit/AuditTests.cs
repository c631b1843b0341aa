using System.Diagnostics;
using System.Net.Http.Json;
using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Consent.Web.Tests.Audit;

public sealed class AuditTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Audit_FindsNothingOnHonestSessions_ThenNamesTheTamperedEvent_AndTheAuditCommandExitsWith1()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var honest = await driver.StartAsync();
        var patient = await driver.VerifyAsync(honest);
        await driver.WalkAsync(patient, honest);
        await driver.Clinician.PostAsJsonAsync($"/api/v1/sessions/{honest.Id}/countersign", new { password = ConsentWebFactory.DemoPassword, statementAccepted = true });
        var victim = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(victim), victim, stopAt: "perception");

        var clean = await RunAuditAsync();
        Assert.DoesNotContain(clean.Findings, f => f.SessionId == honest.Id || f.SessionId == victim.Id);
        Assert.True(clean.SessionsChecked >= 2);
        Assert.True(clean.EventsChecked >= 20);

        await TamperAsync(factory, victim.Id, seq: 4);
        var report = await RunAuditAsync();
        var finding = Assert.Single(report.Findings, f => f.SessionId == victim.Id);
        Assert.Equal(4, finding.BrokenAtSeq);
        Assert.DoesNotContain(report.Findings, f => f.SessionId == honest.Id);

        var (exitCode, output) = await RunAuditCommandAsync(factory);
        Assert.Equal(1, exitCode);
        Assert.Contains($"session {victim.Id} at event 4", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditCommand_TakesTheHostSwitchesTheScriptsPass_AndRefusesAnUnknownSwitch()
    {
        // scripts/fault-tests.sh and scripts/restore.sh run "audit --contentRoot DIR", as they start the service.
        var contentRoot = Path.Combine(RepositoryRoot.Path, "src", "Consent.Web");
        var (separate, separateOutput) = await RunAuditCommandAsync(factory, "--contentRoot", contentRoot);
        Assert.Contains("Audit at ", separateOutput, StringComparison.Ordinal);
        Assert.NotEqual(2, separate);

        var (joined, joinedOutput) = await RunAuditCommandAsync(factory, "--full", $"--contentRoot={contentRoot}");
        Assert.Contains("Full: every session read.", joinedOutput, StringComparison.Ordinal);
        Assert.NotEqual(2, joined);

        var (unknown, unknownOutput) = await RunAuditCommandAsync(factory, "--everything", "--contentRoot", contentRoot);
        Assert.Equal(2, unknown);
        Assert.Contains("not --everything", unknownOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Audit at ", unknownOutput, StringComparison.Ordinal);
    }

    private async Task<AuditReport> RunAuditAsync()
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(CancellationToken.None);
    }

    /// <summary>Moves one event's time by a second, as the tables' owner with the append-only trigger off: its hash no longer matches.</summary>
    internal static async Task TamperAsync(ConsentWebFactory factory, Guid sessionId, long seq)
    {
        // The tables' owner can switch the trigger off; the service's own role cannot (EventLogAppendOnlyTests).
        await using var db = await factory.OpenOwnerDatabaseAsync();
        await using var tamper = new NpgsqlCommand("""
            ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update_or_delete;
            UPDATE consent_events SET at = at + interval '1 second' WHERE session_id = @s AND seq = @seq;
            ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update_or_delete;
            """, db);
        tamper.Parameters.AddWithValue("s", sessionId);
        tamper.Parameters.AddWithValue("seq", seq);
        await tamper.ExecuteNonQueryAsync();
    }

    /// <summary>Runs the <c>audit</c> command as an operator would, a process of its own on the factory's database.</summary>
    internal static async Task<(int ExitCode, string Output)> RunAuditCommandAsync(ConsentWebFactory factory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Consent.Web.dll"), "audit", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ConnectionStrings__Consent"] = factory.ConnectionString;
        start.Environment["CONSENT_REPOSITORY_ROOT"] = RepositoryRoot.Path;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
