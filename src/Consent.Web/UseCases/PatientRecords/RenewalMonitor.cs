using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>
/// Runs the renewal job (<see cref="ConsentRenewals.ScanAsync"/>) periodically: <c>Renewals:IntervalMinutes</c>
/// (default 60; 0 turns it off), first <c>Renewals:FirstRunAfterSeconds</c> after start-up. Several nodes may run
/// it; an advisory lock lets one at a time do the work.
/// </summary>
public sealed class RenewalMonitor(IServiceScopeFactory scopes, IOptions<RenewalOptions> options, TimeProvider clock, ILogger<RenewalMonitor> logger)
    : BackgroundService
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
                await Task.Delay(delay, clock, stoppingToken);
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<ConsentRenewals>().ScanAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException
                or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                logger.LogWarning("The renewal job could not run ({Error}); it will try again.", ex.GetType().Name);
            }

            delay = interval;
        }
    }
}
