using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Identity;
using Consent.Web.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Mail;

/// <summary>The outbox job <c>send-staff-mail</c> (<see cref="StaffMail"/>).</summary>
/// <remarks>
/// <para>A link goes out only while it is still the account's outstanding link (<see cref="AccountLinks.IsCurrent"/>):
/// a re-sent invitation or a second reset request that replaced it first means the old one is not sent.
/// Either way the link is removed from the job afterwards: it is a bearer secret.</para>
/// <para>Nothing is sent to an account whose seal does not hold: its email address may have been
/// changed in the database, and the link would reach whoever did it. The job fails with an AUDIT
/// ALERT and is retried, so it goes out only once the account is repaired.</para>
/// </remarks>
public sealed class StaffMailHandler(ILogger<StaffMailHandler> logger) : IOutboxHandler
{
    public string Kind => OutboxKinds.SendStaffMail;

    public async Task HandleAsync(Data.Entities.OutboxJob job, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ConsentDbContext>();
        var payload = JsonNode.Parse(job.Payload) as JsonObject ?? [];
        var what = payload["what"]?.GetValue<string>();
        if (!Guid.TryParse(payload["account"]?.GetValue<string>(), out var accountId)
            || await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == accountId, ct) is not { } user
            || string.IsNullOrEmpty(user.Email))
        {
            logger.LogWarning("Outbox job {JobId}: the staff account it names does not exist; nothing sent.", job.Id);
            await ForgetLinkAsync(db, job, what, sent: false, ct);
            return;
        }

        var users = services.GetRequiredService<StaffUserManager>();
        if (await users.IsChangedOutsideAsync(user))
        {
            logger.LogCritical("AUDIT ALERT: outbox job {JobId}: refused to mail staff account {UserId}: the account was changed outside the service.", job.Id, user.Id);
            throw new InvalidOperationException($"send-staff-mail job {job.Id}: nothing sent: staff account {user.Id} does not hold its seal.");
        }

        var mail = services.GetRequiredService<StaffMail>();
        var delivery = services.GetRequiredService<MailDelivery>();
        switch (what)
        {
            case StaffMail.Invitation or StaffMail.PasswordReset:
                if (payload["link"]?.GetValue<string>() is not { } protectedLink)
                {
                    return; // handled already; the link was removed afterwards
                }

                string link;
                try
                {
                    link = mail.Unprotect(protectedLink);
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    logger.LogWarning("Outbox job {JobId}: the staff link can no longer be decrypted; nothing sent. Send a new one.", job.Id);
                    await ForgetLinkAsync(db, job, what, sent: false, ct);
                    return;
                }

                var links = services.GetRequiredService<AccountLinks>();
                var sent = false;
                if (AccountLinks.TokenOf(link) is { } token && links.IsCurrent(user, token))
                {
                    var message = what == StaffMail.Invitation
                        ? mail.ComposeInvitation(user, link, user.AccountLinkExpiresAt!.Value, job.Id)
                        : mail.ComposeReset(user, link, user.AccountLinkExpiresAt!.Value, job.Id);
                    sent = await SendAsync(delivery, message, job, ct);
                }
                else
                {
                    logger.LogInformation("Outbox job {JobId}: the staff link was replaced, used or ran out before it went out; nothing sent.", job.Id);
                }

                await ForgetLinkAsync(db, job, what, sent, ct);
                return;
            case StaffMail.PasswordChanged:
                var at = DateTimeOffset.TryParse(payload["at"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when) ? when : job.CreatedAt;
                await SendAsync(delivery, mail.ComposeNotice(user, payload["how"]?.GetValue<string>() ?? "changed", at, job.Id), job, ct);
                return;
            case StaffMail.LockoutAlert:
                var locked = Guid.TryParse(payload["lockedAccount"]?.GetValue<string>(), out var lockedId)
                    ? await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == lockedId, ct) : null;
                if (locked is null)
                {
                    logger.LogWarning("Outbox job {JobId}: the locked staff account it names does not exist; no alert sent.", job.Id);
                    return;
                }

                var lockedAt = DateTimeOffset.TryParse(payload["at"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsedAt) ? parsedAt : job.CreatedAt;
                var until = DateTimeOffset.TryParse(payload["until"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsedUntil) ? parsedUntil : lockedAt;
                await SendAsync(delivery, mail.ComposeLockoutAlert(user, locked, lockedAt, until, payload["attempts"]?.GetValue<int>() ?? 0, job.Id), job, ct);
                return;
            case StaffMail.AlertDigest:
                var afterSeq = payload["afterSeq"]?.GetValue<long>() ?? 0;
                var throughSeq = payload["throughSeq"]?.GetValue<long>() ?? 0;
                var alerts = (await db.SystemEvents.AsNoTracking()
                    .Where(e => e.Seq > afterSeq && e.Seq <= throughSeq && Alerts.AlertDigests.Types.Contains(e.Type))
                    .OrderBy(e => e.Seq).ToListAsync(ct))
                    .Where(Alerts.AlertDigests.IsAlertEvent).ToList();
                if (alerts.Count == 0)
                {
                    logger.LogWarning("Outbox job {JobId}: the alerts it names (sequence {After} to {Through}) are not on the trail; no digest sent.", job.Id, afterSeq + 1, throughSeq);
                    return;
                }

                await SendAsync(delivery, mail.ComposeDigest(user, alerts, afterSeq, throughSeq, job.Id), job, ct);
                return;
            default:
                throw new InvalidOperationException($"send-staff-mail job {job.Id} names nothing known to send ('{what}').");
        }
    }

    private static async Task ForgetLinkAsync(ConsentDbContext db, Data.Entities.OutboxJob job, string? what, bool sent, CancellationToken ct)
    {
        var done = new JsonObject { ["what"] = what, ["sent"] = sent }.ToJsonString();
        await db.OutboxJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(j => j.SetProperty(x => x.Payload, done), ct);
    }

    private async Task<bool> SendAsync(MailDelivery delivery, MimeKit.MimeMessage message, Data.Entities.OutboxJob job, CancellationToken ct)
    {
        if (await delivery.SendAsync(message, ct))
        {
            logger.LogInformation("Sent staff mail for outbox job {JobId}.", job.Id);
            return true;
        }

        logger.LogWarning("Staff mail for outbox job {JobId} was not sent: Smtp:Host is not configured.", job.Id);
        return false;
    }
}
