using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Outbox;
using Consent.Web.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Mail;

/// <summary>The outbox job <c>send-mail</c>: payload <c>{what: invitation, link}</c> or <c>{what: record, kind}</c>.</summary>
/// <remarks>
/// Delivery is at least once: a crash between the SMTP server accepting the message and the job being
/// marked done sends it again, with the same Message-ID.
/// </remarks>
public sealed class SendMailHandler(ILogger<SendMailHandler> logger) : IOutboxHandler
{
    public string Kind => OutboxKinds.SendMail;

    public async Task HandleAsync(OutboxJob job, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ConsentDbContext>();
        var payload = JsonNode.Parse(job.Payload) as JsonObject ?? [];
        var what = payload["what"]?.GetValue<string>();
        var session = job.SessionId is { } id ? await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) : null;
        if (session is null || string.IsNullOrEmpty(session.PatientEmail))
        {
            return;
        }

        // Only a bare address, as the start of a session checks it: an address stored before that check
        // could carry a display name or a second address, and mail must never go anywhere else.
        if (!EmailInput.IsBareAddress(session.PatientEmail))
        {
            logger.LogWarning("Outbox job {JobId}: the patient's email address is not one plain address; nothing sent.", job.Id);
            return;
        }

        var mail = services.GetRequiredService<PatientMail>();
        var delivery = services.GetRequiredService<MailDelivery>();
        switch (what)
        {
            case PatientMail.Invitation:
                if (payload["link"]?.GetValue<string>() is not { } link)
                {
                    return; // sent already; the link was removed afterwards
                }

                MimeKit.MimeMessage invitation;
                try
                {
                    invitation = mail.ComposeInvitation(session, link, job.Id);
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    // The Data Protection key that sealed the link is gone; retrying cannot help. The clinician can reissue the link.
                    logger.LogWarning("Outbox job {JobId}: the invitation link can no longer be decrypted; nothing sent.", job.Id);
                    return;
                }

                var sent = await SendAsync(delivery, invitation, job, ct);
                // The link is a bearer secret: keep no copy once it is delivered (or cannot be, with no mail configured).
                var done = new JsonObject { ["what"] = PatientMail.Invitation, ["sent"] = sent }.ToJsonString();
                await db.OutboxJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(j => j.SetProperty(x => x.Payload, done), ct);

                return;
            case PatientMail.RecordCopy:
                var kind = payload["kind"]?.GetValue<string>();
                var record = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == session.Id && r.Kind == kind, ct)
                    ?? throw new InvalidOperationException($"send-mail job {job.Id}: no {kind} record is stored for its session yet.");
                await SendAsync(delivery, mail.ComposeRecordCopy(session, record, job.Id), job, ct);
                return;
            default:
                throw new InvalidOperationException($"send-mail job {job.Id} names nothing known to send ('{what}').");
        }
    }

    private async Task<bool> SendAsync(MailDelivery delivery, MimeKit.MimeMessage message, OutboxJob job, CancellationToken ct)
    {
        if (await delivery.SendAsync(message, ct))
        {
            logger.LogInformation("Sent patient mail for outbox job {JobId}.", job.Id);
            return true;
        }

        logger.LogWarning("Patient mail for outbox job {JobId} was not sent: Smtp:Host is not configured.", job.Id);
        return false;
    }
}
