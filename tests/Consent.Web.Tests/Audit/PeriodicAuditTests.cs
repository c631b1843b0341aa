using Consent.Web.Audit;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consent.Web.Tests.Audit;

/// <summary>The service's own periodic audit (AuditMonitor): first run at once, then about every 2 s.</summary>
public sealed class MonitoredAuditFactory : ConsentWebFactory
{
    protected override bool RunsPeriodicAudit => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Audit:FirstRunAfterSeconds"] = "0",
        ["Audit:IntervalMinutes"] = "0.03",
    };
}

/// <summary>
/// The real monitor, not a report a test hands to the health check: an honest trail keeps the
/// service Healthy; a tampered event turns readiness Degraded and logs an AUDIT ALERT naming it.
/// </summary>
public sealed class PeriodicAuditTests(MonitoredAuditFactory factory) : IClassFixture<MonitoredAuditFactory>
{
    [Fact]
    public async Task TheMonitor_RaisesAnAuditAlert_ForATamperedEvent_AndReadinessTurnsDegraded()
    {
        using var client = factory.CreateClient();
        var driver = await PatientDriver.CreateAsync(factory);
        var victim = await driver.StartAsync();
        await driver.WalkAsync(await driver.VerifyAsync(victim), victim, stopAt: "perception");
        var written = DateTimeOffset.UtcNow;

        var status = factory.Services.GetRequiredService<AuditStatus>();
        await Deadline.UntilAsync("a clean audit by the monitor after the session was written",
            () => Task.FromResult(status.Last is { Clean: true } last && last.CheckedAt > written && last.EventsChecked > 0));
        Assert.Equal("Healthy", await ReadinessAsync(client));
        Assert.DoesNotContain(factory.LogLines, line => line.Contains("AUDIT ALERT", StringComparison.Ordinal));

        await AuditTests.TamperAsync(factory, victim.Id, seq: 4);

        await Deadline.UntilAsync("readiness Degraded after an event was tampered with", async () => await ReadinessAsync(client) == "Degraded");
        var alerts = factory.LogLines.Where(line => line.Contains("AUDIT ALERT", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(alerts);
        Assert.All(alerts, alert =>
        {
            Assert.StartsWith(nameof(LogLevel.Critical), alert, StringComparison.Ordinal);
            Assert.Contains($"AUDIT ALERT: session {victim.Id}", alert, StringComparison.Ordinal);
            Assert.Contains("(sequence 4)", alert, StringComparison.Ordinal);
        });
    }

    private static async Task<string> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready");
        return await response.Content.ReadAsStringAsync();
    }
}
