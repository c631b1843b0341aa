using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Mail;
using Consent.Web.SystemEvents;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// What happens when wrong passwords or codes lock a staff account (<see cref="StaffUserManager.AccessFailedAsync"/>):
/// the lockout goes on the system audit trail as <see cref="SystemEventTypes.AccountLockedOut"/> (21 CFR 11.10(e),
/// 45 CFR 164.312(b)) and every active admin is mailed an alert (21 CFR 11.300(d): attempts at unauthorized use are
/// reported "in an immediate and urgent manner"). Once per lockout: further refused attempts while it lasts are
/// no new lockout.
/// </summary>
/// <remarks>
/// The alert mails are outbox jobs (<see cref="StaffMail.EnqueueLockoutAlert"/>), saved just after the lockout itself,
/// one per admin, so an admin whose mail fails is retried alone. Neither the event nor the mail holds a password or code.
/// </remarks>
public sealed class LockoutAlerts(ConsentDbContext db, StaffMail mail, SystemAudit audit, TimeProvider clock, ILogger<LockoutAlerts> logger)
{
    /// <summary>Records the lockout of <paramref name="user"/> (its <c>LockoutEnd</c> set) and queues the admins' alerts.</summary>
    public async Task RaiseAsync(StaffUser user, int attempts)
    {
        var until = user.LockoutEnd ?? clock.GetUtcNow();
        audit.Record(SystemEventTypes.AccountLockedOut, new JsonObject
        {
            ["account"] = user.Id.ToString("D"),
            ["email"] = user.Email,
            ["lockedOutUntil"] = until.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["attempts"] = attempts,
        });

        if (!mail.CanSend)
        {
            logger.LogWarning("No lockout alert is mailed for staff account {UserId}: mail is off (Smtp:Host is not set). The lockout is on the system audit trail.", user.Id);
            return;
        }

        // Active admins: not deactivated, and with a password of their own (an invitation still open is nobody yet).
        var admins = await db.Users.AsNoTracking()
            .Where(u => u.DeactivatedAt == null && u.PasswordHash != null && u.Email != null
                && db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == StaffRoles.Admin)))
            .Select(u => u.Id)
            .ToListAsync();
        foreach (var admin in admins)
        {
            mail.EnqueueLockoutAlert(db, admin, user, until, attempts);
        }

        await db.SaveChangesAsync();
        mail.Wake();
        logger.LogInformation("Lockout alert for staff account {UserId} queued for {Count} active admin(s).", user.Id, admins.Count);
    }
}
