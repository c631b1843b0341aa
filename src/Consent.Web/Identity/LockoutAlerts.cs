using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.SystemEvents;

namespace Consent.Web.Identity;

/// <summary>
/// What happens when wrong passwords or codes lock a staff account (<see cref="StaffUserManager.AccessFailedAsync"/>):
/// the lockout goes on the system audit trail as <see cref="SystemEventTypes.AccountLockedOut"/> (21 CFR 11.10(e),
/// 45 CFR 164.312(b)), and from there into the next security alert digest mailed to every active admin
/// (<see cref="Alerts.AlertDigests"/>; 21 CFR 11.300(d)). Once per lockout: further refused attempts while it lasts
/// are no new lockout. Neither the event nor the mail holds a password or code.
/// </summary>
public sealed class LockoutAlerts(SystemAudit audit, TimeProvider clock, ILogger<LockoutAlerts> logger)
{
    /// <summary>Records the lockout of <paramref name="user"/> (its <c>LockoutEnd</c> set) for the admins' digest.</summary>
    public void Raise(StaffUser user, int attempts)
    {
        var until = user.LockoutEnd ?? clock.GetUtcNow();
        audit.Record(SystemEventTypes.AccountLockedOut, new JsonObject
        {
            ["account"] = user.Id.ToString("D"),
            ["email"] = user.Email,
            ["lockedOutUntil"] = until.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["attempts"] = attempts,
        });
        logger.LogWarning("Staff account {UserId} was locked out until {Until} after {Attempts} wrong passwords or codes; the admins' next alert digest names it.",
            user.Id, until, attempts);
    }
}
