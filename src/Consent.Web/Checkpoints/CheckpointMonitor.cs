using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.Checkpoints;

/// <summary>
/// Makes a chain checkpoint every <c>Checkpoints:IntervalMinutes</c> (default 60; 0 turns it off on this node), the first
/// <c>Checkpoints:FirstRunAfterSeconds</c> after start-up. Every node may run it: the advisory lock lets one make each.
/// </summary>
public sealed class CheckpointMonitor(IServiceScopeFactory scopes, IOptions<CheckpointOptions> options, ILogger<CheckpointMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(options.Value.FirstRunAfterSeconds);
        var warnedNoAuthority = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, stoppingToken);
                using var scope = scopes.CreateScope();
                var attempt = await scope.ServiceProvider.GetRequiredService<CheckpointMaker>().MakeAsync(stoppingToken);
                if (attempt.Outcome == CheckpointOutcome.NoAuthority && !warnedNoAuthority)
                {
                    warnedNoAuthority = true;
                    logger.LogWarning("No chain checkpoints are made: no time-stamping authority is configured (Signing:TimestampUrl).");
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                // A checkpoint another node made at the same moment (the id is taken) is one of these; nothing is lost.
                logger.LogWarning("Chain checkpoint could not be made ({Error}); the next run covers every change since the last one.", ex.GetType().Name);
            }

            delay = interval;
        }
    }
}
