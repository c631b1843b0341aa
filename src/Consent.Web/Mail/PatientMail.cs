using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Outbox;
using Consent.Web.SignedRecords;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Consent.Web.Localization;

namespace Consent.Web.Mail;

/// <summary>
/// The mail a patient gets: the invitation link when the clinician gave an email address, a reminder
/// with the same link when the patient saved the form to finish later and asked for one, and a copy
/// of each record issued. Jobs are enqueued in the transaction that creates the session or logs the record.
/// </summary>
/// <remarks>
/// The link token is a bearer secret and is never stored in clear: the invitation job carries the
/// link encrypted with Data Protection, and the handler removes it once the mail is sent. Subjects are
/// fixed sentences, so nothing about the patient or their treatment shows in a mailbox list.
/// </remarks>
public sealed class PatientMail(
    IDataProtectionProvider protection, ClinicSettings clinic, MailSettings settings, OutboxSignal signal, WorkflowVersions.WorkflowRegistry workflows,
    TimeProvider clock)
{
    public const string Invitation = "invitation";
    public const string RecordCopy = "record";
    public const string Reminder = "reminder";

    /// <summary>The invitation to the legally authorized representative, at the address the session's first event sealed.</summary>
    public const string RepresentativeInvitation = "representative-invitation";
    private const string LinkPurpose = "Consent.Mail.InvitationLink.v1";

    private IDataProtector Links => protection.CreateProtector(LinkPurpose);

    /// <summary>Adds the invitation job for a session whose patient has an email address (saved with the caller's changes).</summary>
    public void EnqueueInvitation(ConsentDbContext db, ConsentSession session, string patientUrl)
    {
        if (string.IsNullOrEmpty(session.PatientEmail))
        {
            return;
        }

        OutboxSignal.Enqueue(db, OutboxKinds.SendMail, session.Id,
            new JsonObject { ["what"] = Invitation, ["link"] = Links.Protect(patientUrl) }, clock.GetUtcNow());
    }

    /// <summary>
    /// Adds the invitation job for a session a representative consents in, when they gave an email address (saved with the
    /// caller's changes). The address is read when it is sent from the session's first event, which seals it, not from a row.
    /// </summary>
    public void EnqueueRepresentativeInvitation(ConsentDbContext db, ConsentSession session, string patientUrl) =>
        OutboxSignal.Enqueue(db, OutboxKinds.SendMail, session.Id,
            new JsonObject { ["what"] = RepresentativeInvitation, ["link"] = Links.Protect(patientUrl) }, clock.GetUtcNow());

    /// <summary>
    /// "Save and finish later" with a reminder: one reminder job per session, due at <paramref name="at"/>,
    /// carrying the link encrypted as an invitation does (saved with the caller's changes). Asking again
    /// moves the reminder that has not gone out yet rather than adding a second one; the caller holds the
    /// session's row lock, so two requests at once cannot both add one (<see cref="UseCases.Patients.SaveForLater"/>).
    /// </summary>
    public async Task EnqueueReminderAsync(ConsentDbContext db, ConsentSession session, string patientUrl, DateTimeOffset at, CancellationToken ct)
    {
        var payload = new JsonObject { ["what"] = Reminder, ["link"] = Links.Protect(patientUrl) };
        if (await PendingReminderAsync(db, session.Id, ct) is { } job)
        {
            job.Payload = payload.ToJsonString();
            job.NotBefore = at;
            return;
        }

        OutboxSignal.Enqueue(db, OutboxKinds.SendMail, session.Id, payload, clock.GetUtcNow(), at);
    }

    /// <summary>"No, thank you" after all: the reminder not sent yet is closed, its link dropped (saved with the caller's changes).</summary>
    public async Task CancelReminderAsync(ConsentDbContext db, ConsentSession session, CancellationToken ct)
    {
        if (await PendingReminderAsync(db, session.Id, ct) is { } job)
        {
            job.Payload = new JsonObject { ["what"] = Reminder, ["sent"] = false, ["cancelled"] = true }.ToJsonString();
            job.CompletedAt = clock.GetUtcNow();
        }
    }

    /// <summary>The session's reminder job that has not gone out and is not being sent right now, if any.</summary>
    private async Task<OutboxJob?> PendingReminderAsync(ConsentDbContext db, Guid sessionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var pending = await db.OutboxJobs
            .Where(j => j.SessionId == sessionId && j.Kind == OutboxKinds.SendMail && j.CompletedAt == null)
            .ToListAsync(ct);
        return pending.FirstOrDefault(j => (j.LeaseUntil is null || j.LeaseUntil < now) && JsonNode.Parse(j.Payload)?["what"]?.GetValue<string>() == Reminder);
    }

    /// <summary>Tells this node's worker that mail may be waiting (after the enqueuing transaction committed).</summary>
    public void Wake() => signal.Wake();

    /// <summary>The payload of the job that mails a record's copy.</summary>
    public static JsonObject RecordCopyJob(string kind) => new() { ["what"] = RecordCopy, ["kind"] = kind };

    /// <summary>The patient link an invitation or reminder job carries, decrypted; throws a <c>CryptographicException</c> when its key is gone.</summary>
    public string InvitationLink(string protectedLink) => Links.Unprotect(protectedLink);

    public MimeMessage ComposeInvitation(ConsentSession session, string link, long jobId) => ComposeLink(session, link, jobId, Invitation);

    /// <summary>The invitation to the legally authorized representative <paramref name="representative"/>, in the session's language.</summary>
    public MimeMessage ComposeRepresentativeInvitation(ConsentSession session, Consent.Workflows.Representative representative, string link, long jobId)
    {
        var texts = PatientMailTexts.For(session.Language);
        var message = new MimeMessage { Subject = texts.RepresentativeSubject, Date = clock.GetUtcNow() };
        message.From.Add(settings.From);
        message.To.Add(new MailboxAddress(representative.Name, representative.Email!));
        message.MessageId = $"{jobId.ToString(CultureInfo.InvariantCulture)}.{session.Id:N}@{settings.From.Domain}";
        message.Body = new TextPart("plain")
        {
            Text = string.Format(Culture(session.Language), texts.RepresentativeBody, clinic.Clinic.Name, link,
                LongDate(session.ExpiresAt, session.Language), representative.Name, session.PatientName) + Footer(texts),
        };
        return message;
    }

    /// <summary>The reminder a patient asked for when they saved the form to finish later: the same link, and until when it works.</summary>
    public MimeMessage ComposeReminder(ConsentSession session, string link, long jobId) => ComposeLink(session, link, jobId, Reminder);

    /// <summary>The day a date falls on in the clinic, said in the patient's language ("Tuesday, 1 December 2026").</summary>
    public string LongDate(DateTimeOffset at, string language) =>
        TimeZoneInfo.ConvertTime(at, clinic.TimeZone).ToString("D", Culture(language));

    private static CultureInfo Culture(string language) =>
        CultureInfo.GetCultureInfo(language.StartsWith("es", StringComparison.OrdinalIgnoreCase) ? "es" : "en");

    private MimeMessage ComposeLink(ConsentSession session, string link, long jobId, string what)
    {
        var texts = PatientMailTexts.For(session.Language);
        var checkin = workflows.Find(session.WorkflowId, session.WorkflowVersion)?.Definition.IsCheckin == true;
        var (subject, body) = what == Reminder ? (texts.ReminderSubject, texts.ReminderBody)
            : checkin ? (texts.CheckinSubject, texts.CheckinBody)
            : (texts.InvitationSubject, texts.InvitationBody);
        var message = New(session, subject, jobId);
        message.Body = new TextPart("plain")
        {
            Text = string.Format(Culture(session.Language), body, clinic.Clinic.Name, link, LongDate(session.ExpiresAt, session.Language)) + Footer(texts),
        };
        return message;
    }

    /// <param name="session">The record's session.</param>
    /// <param name="record">The stored record.</param>
    /// <param name="pdf">The record's file as it stands (with any long-term evidence added since it was issued).</param>
    /// <param name="jobId">The outbox job, for the message id.</param>
    public MimeMessage ComposeRecordCopy(ConsentSession session, StoredRecord record, byte[] pdf, long jobId)
    {
        var texts = PatientMailTexts.For(session.Language);
        var subject = Enum.TryParse<RecordKind>(record.Kind, out var kind) ? kind switch
        {
            RecordKind.Consent => texts.CopySubject,
            RecordKind.Withdrawal => texts.WithdrawalCopySubject,
            RecordKind.DeclinedSummary or RecordKind.ReferredSummary => texts.SummaryCopySubject,
            RecordKind.Checkin => texts.CheckinCopySubject,
        } : texts.SummaryCopySubject;
        var message = New(session, subject, jobId);
        var body = new BodyBuilder { TextBody = string.Format(CultureInfo.InvariantCulture, texts.CopyBody, clinic.Clinic.Name) + Footer(texts) };
        body.Attachments.Add(RecordFiles.FileName(record.SessionId, record.Kind), pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();
        return message;
    }

    private MimeMessage New(ConsentSession session, string subject, long jobId)
    {
        var message = new MimeMessage { Subject = subject, Date = clock.GetUtcNow() };
        message.From.Add(settings.From);
        message.To.Add(MailboxAddress.Parse(session.PatientEmail!));
        // One id per job: a retry after a crash sends the same message id, so mail clients can drop the duplicate.
        message.MessageId = $"{jobId.ToString(CultureInfo.InvariantCulture)}.{session.Id:N}@{settings.From.Domain}";
        return message;
    }

    private string Footer(PatientMailTexts texts) =>
        "\n" + (clinic.Clinic.Phone is { } phone ? string.Format(CultureInfo.InvariantCulture, texts.Contact, phone) + "\n" : "")
        + "\n" + clinic.Clinic.Name + "\n\n" + texts.Signature + "\n";
}
