using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Outbox;
using Consent.Web.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Mail;

/// <summary>The outbox job <c>send-mail</c>: payload <c>{what: invitation, link}</c>, <c>{what: reminder, link}</c> or <c>{what: record, kind}</c>.</summary>
/// <remarks>
/// <para>Delivery is at least once: a crash between the SMTP server accepting the message and the job being
/// marked done sends it again, with the same Message-ID.</para>
/// <para>The address, name and language come from the session row, which has no seal: an outside review
/// set <c>patient_email</c> to its own address and the next job mailed it the signed record. So nothing is
/// sent before the row is checked against its chain (<see cref="PatientBinding"/>, which seals a digest of
/// the patient's details, email included); a row that disagrees fails the job with an AUDIT ALERT. The
/// outbox has no terminal failure: the job keeps its error and is tried again with back-off, checking
/// again each time, so it goes out only once the row is put back as the service wrote it.</para>
/// <para>An invitation goes out only with the link in force for the job's session, as its chain sealed it
/// (<see cref="LinkOf"/>): a link of another session is refused the same way.</para>
/// </remarks>
public sealed class SendMailHandler(EventSeals seals, TimeProvider clock, ILogger<SendMailHandler> logger) : IOutboxHandler
{
    public string Kind => OutboxKinds.SendMail;

    public async Task HandleAsync(OutboxJob job, IServiceProvider services, CancellationToken ct)
    {
        var db = services.GetRequiredService<ConsentDbContext>();
        var payload = JsonNode.Parse(job.Payload) as JsonObject ?? [];
        var what = payload["what"]?.GetValue<string>();
        var (session, problem, links, signers) = job.SessionId is { } id ? await ReadCheckedAsync(db, id, ct) : (null, null, [], Consent.Workflows.Signers.PatientAlone);
        // The representative's invitation goes to the address their first event sealed; everything else to the patient's.
        var representative = what == PatientMail.RepresentativeInvitation ? signers.Representative : null;
        if (session is null || (what == PatientMail.RepresentativeInvitation ? string.IsNullOrEmpty(representative?.Email) : string.IsNullOrEmpty(session.PatientEmail)))
        {
            return;
        }

        if (problem is not null)
        {
            logger.LogCritical("AUDIT ALERT: outbox job {JobId}: refused to mail the patient of session {SessionId}: {Problem} (at event {Seq}).",
                job.Id, session.Id, problem.Problem, problem.BrokenAtSeq);
            throw new InvalidOperationException($"send-mail job {job.Id}: nothing sent: the session's row or chain was changed outside the service ({problem.Problem}).");
        }

        // Only a bare address, as the start of a session checks it: an address stored before that check
        // could carry a display name or a second address, and mail must never go anywhere else.
        if (!EmailInput.IsBareAddress(representative?.Email ?? session.PatientEmail))
        {
            logger.LogWarning("Outbox job {JobId}: the patient's email address is not one plain address; nothing sent.", job.Id);
            return;
        }

        var mail = services.GetRequiredService<PatientMail>();
        var delivery = services.GetRequiredService<MailDelivery>();
        switch (what)
        {
            case PatientMail.Invitation:
            case PatientMail.Reminder:
            case PatientMail.RepresentativeInvitation:
                await SendLinkAsync(db, job, payload, what, session, links, mail, delivery, services.GetRequiredService<PublicAddress>(), ct, representative);
                return;
            case PatientMail.RecordCopy:
                var kind = payload["kind"]?.GetValue<string>();
                var record = await db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == session.Id && r.Kind == kind, ct)
                    ?? throw new InvalidOperationException($"send-mail job {job.Id}: no {kind} record is stored for its session yet.");
                if (!await SignedRecords.ChainedRecords.IsNamedAsync(db, record, ct))
                {
                    logger.LogCritical("AUDIT ALERT: outbox job {JobId}: refused to mail a stored record: {Problem}.", job.Id, SignedRecords.ChainedRecords.Problem(record));
                    throw new InvalidOperationException($"send-mail job {job.Id}: nothing sent: {SignedRecords.ChainedRecords.Problem(record)}.");
                }

                var (pdf, _) = await services.GetRequiredService<SignedRecords.RecordEvidenceStore>().CurrentAsync(record, ct);
                await SendAsync(delivery, mail.ComposeRecordCopy(session, record, pdf, job.Id), job, ct);
                return;
            default:
                throw new InvalidOperationException($"send-mail job {job.Id} names nothing known to send ('{what}').");
        }
    }

    /// <summary>
    /// An invitation or a reminder: the link the job carries, encrypted, goes out only while it is the
    /// session's link in force (<see cref="LinkOf"/>); a reminder only while the form is still open to
    /// the patient (not ended, not waiting for the countersignature, not past its expiry). Either way the
    /// link is removed from the job afterwards.
    /// </summary>
    private async Task SendLinkAsync(ConsentDbContext db, OutboxJob job, JsonObject payload, string what, ConsentSession session,
        IReadOnlyList<(long Seq, string Hash)> links, PatientMail mail, MailDelivery delivery, PublicAddress address, CancellationToken ct,
        Consent.Workflows.Representative? representative = null)
    {
        if (payload["link"]?.GetValue<string>() is not { } protectedLink)
        {
            return; // sent already; the link was removed afterwards
        }

        string link;
        try
        {
            link = mail.InvitationLink(protectedLink);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The Data Protection key that sealed the link is gone; retrying cannot help. The clinician can reissue the link.
            logger.LogWarning("Outbox job {JobId}: the {What} link can no longer be decrypted; nothing sent.", job.Id, what);
            return;
        }

        var sent = false;
        switch (LinkOf(link, session, links))
        {
            case InvitedLink.Current when what == PatientMail.Reminder && !StillOpen(session):
                logger.LogInformation("Outbox job {JobId}: the form was finished, ended or ran out before the reminder was due; nothing sent.", job.Id);
                break;
            case InvitedLink.Current when what == PatientMail.Reminder:
                // On the service's public address whatever the job says: a reminder is asked for by a
                // patient-side request, whose Host header nobody vouches for (PublicAddress).
                sent = await SendAsync(delivery, mail.ComposeReminder(session, address.PatientUrl(PatientLinks.TokenOf(link)!), job.Id), job, ct);
                break;
            case InvitedLink.Current when representative is not null:
                sent = await SendAsync(delivery, mail.ComposeRepresentativeInvitation(session, representative, link, job.Id), job, ct);
                break;
            case InvitedLink.Current:
                sent = await SendAsync(delivery, mail.ComposeInvitation(session, link, job.Id), job, ct);
                break;
            case InvitedLink.Superseded:
                logger.LogInformation("Outbox job {JobId}: the {What}'s link was replaced by a reissued one before it went out; nothing sent.", job.Id, what);
                break;
            default:
                logger.LogCritical("AUDIT ALERT: outbox job {JobId}: refused to mail session {SessionId}'s patient a link that is not one the service issued for that session "
                    + "(the job's session was changed outside the service).", job.Id, session.Id);
                throw new InvalidOperationException($"send-mail job {job.Id}: nothing sent: its link is not one issued for session {session.Id}.");
        }

        // The link is a bearer secret: keep no copy once it is delivered (or cannot be, with no mail configured, or was replaced).
        var done = new JsonObject { ["what"] = what, ["sent"] = sent }.ToJsonString();
        await db.OutboxJobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(j => j.SetProperty(x => x.Payload, done), ct);
    }

    /// <summary>True while the patient still has something to do on the form: invited or in progress, and the link not run out.</summary>
    private bool StillOpen(ConsentSession session) =>
        session.Status is nameof(Consent.Workflows.SessionStatus.Invited) or nameof(Consent.Workflows.SessionStatus.InProgress) && session.ExpiresAt > clock.GetUtcNow();

    /// <summary>
    /// The session row with, when its chain does not verify or the row disagrees with it, what is wrong;
    /// read in one snapshot, as a record being issued appends to the chain meanwhile.
    /// </summary>
    private async Task<(ConsentSession? Session, ChainVerification? Problem, IReadOnlyList<(long Seq, string Hash)> Links, Consent.Workflows.Signers Signers)> ReadCheckedAsync(
        ConsentDbContext db, Guid id, CancellationToken ct)
    {
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (session is null)
        {
            return (null, null, [], Consent.Workflows.Signers.PatientAlone);
        }

        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == id).OrderBy(e => e.Seq).ToListAsync(ct);
        var chain = PatientBinding.Verify(session, events, seals);
        // Who signs, as the first event sealed it (the representative's address among it); read only from a chain that verifies.
        var signers = events.FirstOrDefault(e => e.Type == Consent.Workflows.EventTypes.SessionCreated) is { } created
            && System.Text.Json.Nodes.JsonNode.Parse(created.Payload) is JsonObject p
            ? Consent.Workflows.SessionCreatedPayload.From(p).Signers ?? Consent.Workflows.Signers.PatientAlone : Consent.Workflows.Signers.PatientAlone;
        return (session, chain.Verified ? null : chain, PatientBinding.SealedLinks(events), signers);
    }

    private enum InvitedLink { Current, Superseded, Foreign }

    /// <summary>
    /// Whether an invitation's link is the session's link in force, one the session had before a reissue,
    /// or none of its own. The job names its session in a column the runtime role can write: the third outside
    /// review moved another patient's invitation onto a session whose patient address it controlled, received
    /// that patient's link, and signed their consent with every check saying valid. The link carries its
    /// token, and the chain seals each token's hash (<see cref="PatientBinding.SealedLinks"/>).
    /// </summary>
    private static InvitedLink LinkOf(string link, ConsentSession session, IReadOnlyList<(long Seq, string Hash)> sealedLinks)
    {
        if (PatientLinks.TokenOf(link) is not { } token)
        {
            return InvitedLink.Foreign;
        }

        var hash = LinkTokens.Hash(token);
        // A session started before links were sealed has only its row's hash (checked against nothing older).
        var current = sealedLinks.Count > 0 ? sealedLinks[^1].Hash : session.LinkTokenHash;
        if (string.Equals(hash, current, StringComparison.Ordinal))
        {
            return InvitedLink.Current;
        }

        return sealedLinks.Any(l => string.Equals(l.Hash, hash, StringComparison.Ordinal)) ? InvitedLink.Superseded : InvitedLink.Foreign;
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
