using Consent.Web.Settings;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Consent.Web.Audit;

/// <summary>The last audit this node ran, read by the readiness check.</summary>
public sealed class AuditStatus
{
    private AuditReport? last;

    public AuditReport? Last => Volatile.Read(ref last);

    public void Set(AuditReport report) => Volatile.Write(ref last, report);
}

/// <summary>
/// Re-checks the audit trail periodically (<c>Audit:IntervalMinutes</c>, default 15; 0 turns it
/// off) and raises an alert in the log when a chain or record stops verifying; each run is recorded on the
/// system audit trail as <c>operations.audit.run</c> with its results.
/// </summary>
public sealed class AuditMonitor(IServiceScopeFactory scopes, AuditStatus status, IOptions<AuditOptions> options, ILogger<AuditMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(options.Value.FirstRunAfterSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
                using var scope = scopes.CreateScope();
                var report = await scope.ServiceProvider.GetRequiredService<AuditService>().RunAsync(stoppingToken);
                status.Set(report);
                // Each run and what it found goes on the system audit trail (21 CFR 11.10(e), 45 CFR 164.312(b)).
                SystemEvents.OperationsEvents.RecordAuditRun(scope.ServiceProvider.GetRequiredService<SystemEvents.SystemAudit>(), report, SystemEvents.OperationsEvents.Periodic);
                foreach (var finding in report.Findings.Take(20))
                {
                    logger.LogCritical("AUDIT ALERT: session {SessionId}: {What} (sequence {Seq}{Checkpoint})", finding.SessionId, finding.What, finding.BrokenAtSeq,
                        finding.CheckpointId is { } checkpoint ? $", checkpoint {checkpoint} anchored at {finding.AnchoredAt:O}" : "");
                }

                foreach (var problem in report.Checkpoints?.Problems.Take(20) ?? [])
                {
                    logger.LogCritical("AUDIT ALERT: chain checkpoint {CheckpointId} (anchored at {AnchoredAt}): {What}", problem.CheckpointId, problem.AnchoredAt, problem.What);
                }

                if (report.SystemChain is { Verified: false } system)
                {
                    logger.LogCritical("AUDIT ALERT: system audit trail: {What} (sequence {Seq})", system.Problem, system.BrokenAtSeq);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Audit check could not run ({Error}); it will try again.", ex.GetType().Name);
            }

            delay = interval;
        }
    }
}

/// <summary>Ready but degraded while the last audit found a broken chain or record.</summary>
public sealed class AuditHealthCheck(AuditStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var last = status.Last;
        return Task.FromResult(last is null || last.Clean
            ? HealthCheckResult.Healthy(last is null ? "No audit has run yet." : $"Audit clean at {last.CheckedAt:O}.")
            : HealthCheckResult.Degraded($"Audit found {last.ProblemCount} problem(s) at {last.CheckedAt:O}."));
    }
}
