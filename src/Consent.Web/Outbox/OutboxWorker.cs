using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Consent.Web.Outbox;

/// <summary>
/// Runs outbox jobs on every node: each job is claimed by one node at a time with
/// <c>FOR UPDATE SKIP LOCKED</c> and a lease, so a node that dies mid-job leaves it to another
/// after the lease runs out. Failed jobs are retried with back-off. <c>Outbox:RunWorker=false</c>
/// keeps a node from running them in the background (the jobs wait for a node that does).
/// </summary>
public sealed class OutboxWorker(
    IServiceScopeFactory scopes, OutboxSignal queue, IEnumerable<IOutboxHandler> handlers, TimeProvider clock, IOptions<OutboxOptions> options,
    ILogger<OutboxWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);
    private readonly string node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}" is var n && n.Length > 100 ? n[..100] : n;
    private readonly Dictionary<string, IOutboxHandler> byKind = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorker)
        {
            logger.LogInformation("Outbox: this node runs no background jobs (Outbox:RunWorker is false).");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            bool worked;
            try
            {
                worked = await RunOneAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException or DbUpdateException)
            {
                // The database is away; try again shortly without flooding the log.
                logger.LogWarning("Outbox: could not claim work ({Message}); retrying.", ex.GetType().Name);
                worked = false;
            }

            if (!worked)
            {
                try
                {
                    await queue.WaitAsync(Idle, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and runs one due job; false when there was none.</summary>
    public async Task<bool> RunOneAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var now = clock.GetUtcNow();
        var job = (await db.OutboxJobs.FromSqlInterpolated($"""
            UPDATE outbox_jobs SET leased_by = {node}, lease_until = {now.Add(Lease)}, attempts = attempts + 1
            WHERE id = (
                SELECT id FROM outbox_jobs
                WHERE completed_at IS NULL AND not_before <= {now} AND (lease_until IS NULL OR lease_until < {now})
                ORDER BY not_before, id
                FOR UPDATE SKIP LOCKED
                LIMIT 1)
            RETURNING *
            """).AsNoTracking().ToListAsync(ct)).SingleOrDefault();
        if (job is null)
        {
            return false;
        }

        try
        {
            if (!byKind.TryGetValue(job.Kind, out var handler))
            {
                throw new InvalidOperationException($"No handler for outbox job kind '{job.Kind}'.");
            }

            await handler.HandleAsync(job, scope.ServiceProvider, ct);
            await db.OutboxJobs.Where(j => j.Id == job.Id && j.LeasedBy == node)
                .ExecuteUpdateAsync(j => j.SetProperty(x => x.CompletedAt, clock.GetUtcNow()).SetProperty(x => x.LastError, (string?)null), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var retryIn = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(job.Attempts, 8))));
            logger.LogError("Outbox job {JobId} ({Kind}) failed on attempt {Attempt}: {Error}", job.Id, job.Kind, job.Attempts, ex.Message);
            await ReleaseAsync(db, job, ex.Message, retryIn);
        }

        return true;
    }

    /// <summary>
    /// Writes the failure back and gives up the lease. When the database itself is what failed (a restart, a
    /// failover: scripts/fault-tests.sh d), that write fails too; it is tried again for a while, since a job
    /// whose failure is not written keeps its lease for the whole <see cref="Lease"/>, and its record waits as long.
    /// </summary>
    private async Task ReleaseAsync(ConsentDbContext db, OutboxJob job, string error, TimeSpan retryIn)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.OutboxJobs.Where(j => j.Id == job.Id && j.LeasedBy == node)
                    .ExecuteUpdateAsync(j => j
                        .SetProperty(x => x.LastError, error.Length > 1900 ? error[..1900] : error)
                        .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
                        .SetProperty(x => x.NotBefore, clock.GetUtcNow().Add(retryIn)), CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < ReleaseAttempts
                                      && Hosting.ProblemExceptionHandler.Classify(e).Status == StatusCodes.Status503ServiceUnavailable)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    /// <summary>How many times, a second apart, a failure is written back while the database is unavailable.</summary>
    private const int ReleaseAttempts = 20;
}
