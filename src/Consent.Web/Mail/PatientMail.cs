using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Outbox;
using Consent.Web.SignedRecords;
using Microsoft.AspNetCore.DataProtection;
using MimeKit;
using Consent.Web.Localization;

namespace Consent.Web.Mail;

/// <summary>
/// The mail a patient gets: the invitation link when the clinician gave an email address, and a copy
/// of each record issued. Jobs are enqueued in the transaction that creates the session or logs the record.
/// </summary>
/// <remarks>
/// The link token is a bearer secret and is never stored in clear: the invitation job carries the
/// link encrypted with Data Protection, and the handler removes it once the mail is sent. Subjects are
/// fixed sentences, so nothing about the patient or their treatment shows in a mailbox list.
/// </remarks>
public sealed class PatientMail(IDataProtectionProvider protection, ClinicSettings clinic, MailSettings settings, OutboxSignal signal, TimeProvider clock)
{
    public const string Invitation = "invitation";
    public const string RecordCopy = "record";
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

    /// <summary>Tells this node's worker that mail may be waiting (after the enqueuing transaction committed).</summary>
    public void Wake() => signal.Wake();

    /// <summary>The payload of the job that mails a record's copy.</summary>
    public static JsonObject RecordCopyJob(string kind) => new() { ["what"] = RecordCopy, ["kind"] = kind };

    /// <summary>The patient link an invitation job carries, decrypted; throws a <c>CryptographicException</c> when its key is gone.</summary>
    public string InvitationLink(string protectedLink) => Links.Unprotect(protectedLink);

    public MimeMessage ComposeInvitation(ConsentSession session, string link, long jobId)
    {
        var texts = PatientMailTexts.For(session.Language);
        var culture = CultureInfo.GetCultureInfo(session.Language.StartsWith("es", StringComparison.OrdinalIgnoreCase) ? "es" : "en");
        var expires = TimeZoneInfo.ConvertTime(session.ExpiresAt, clinic.TimeZone).ToString("D", culture);
        var message = New(session, texts.InvitationSubject, jobId);
        message.Body = new TextPart("plain")
        {
            Text = string.Format(culture, texts.InvitationBody, clinic.Clinic.Name, link, expires) + Footer(texts),
        };
        return message;
    }

    public MimeMessage ComposeRecordCopy(ConsentSession session, StoredRecord record, long jobId)
    {
        var texts = PatientMailTexts.For(session.Language);
        var subject = Enum.TryParse<RecordKind>(record.Kind, out var kind) ? kind switch
        {
            RecordKind.Consent => texts.CopySubject,
            RecordKind.Withdrawal => texts.WithdrawalCopySubject,
            RecordKind.DeclinedSummary or RecordKind.ReferredSummary => texts.SummaryCopySubject,
        } : texts.SummaryCopySubject;
        var message = New(session, subject, jobId);
        var body = new BodyBuilder { TextBody = string.Format(CultureInfo.InvariantCulture, texts.CopyBody, clinic.Clinic.Name) + Footer(texts) };
        body.Attachments.Add(RecordFiles.FileName(record.SessionId, record.Kind), record.Pdf, new ContentType("application", "pdf"));
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
