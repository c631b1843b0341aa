using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Mail;
using Consent.Web.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Ui;

/// <summary>Whether the patient's invitation email went out, from the outbox job that sends it, in the clinician's words.</summary>
public sealed class InvitationStatus(ConsentDbContext db, MailSettings mail, ClinicTime times)
{
    public async Task<string> ForAsync(ConsentSession session, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(session.PatientEmail))
        {
            return "No invitation email was sent: no email address was given. Give the patient the link or the QR code.";
        }

        if (!mail.Enabled)
        {
            return $"No invitation email was sent to {session.PatientEmail}: this service has no mail server set up (Smtp:Host). Give the patient the link or the QR code.";
        }

        // A session has a handful of mail jobs at most: read them and pick the newest invitation here.
        var jobs = await db.OutboxJobs.AsNoTracking()
            .Where(j => j.SessionId == session.Id && j.Kind == OutboxKinds.SendMail)
            .OrderByDescending(j => j.Id).ToListAsync(ct);
        var job = jobs.FirstOrDefault(j => (JsonNode.Parse(j.Payload) as JsonObject)?["what"]?.GetValue<string>() == PatientMail.Invitation);
        return job switch
        {
            null => $"No invitation email was sent to {session.PatientEmail}. Give the patient the link or the QR code.",
            { CompletedAt: { } sent } => $"The invitation email to {session.PatientEmail} was sent on {times.Show(sent)}.",
            { LastError: { } error, Attempts: var tries } => $"The invitation email to {session.PatientEmail} could not be sent yet ({tries} tries; last: {error}). The service keeps trying; meanwhile give the patient the link or the QR code.",
            _ => $"The invitation email to {session.PatientEmail} is waiting to be sent.",
        };
    }
}
