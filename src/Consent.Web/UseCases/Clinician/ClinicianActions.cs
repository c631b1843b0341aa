using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Mail;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Clinician;

/// <summary>
/// What the clinician who started a session does on it: answer a question, record a discussion,
/// countersign, void, record a withdrawal, make a new link. The clinician's session page and
/// <c>/api/v1/sessions/{id}/…</c> both call these.
/// </summary>
/// <remarks>
/// Ownership is checked first, so a session that is not yours is "not found" whatever you send.
/// </remarks>
public sealed class ClinicianActions(
    ConsentDbContext db, SessionWriter writer, StaffSessions staffSessions, PatientLinks links, PatientMail mail, TimeProvider clock,
    Identity.StaffSignatures signatures, SignedRecords.ClinicSettings clinic)
{
    public Task<Outcome<SessionWrite>> AnswerQuestionAsync(Guid id, string questionId, string? answer, Caller caller, CancellationToken ct) =>
        ActWithTextAsync(id, answer, "answer", 4000, caller, (text, staffId) => new AnswerQuestion(questionId, text, staffId), ct);

    public Task<Outcome<SessionWrite>> RecordDiscussionAsync(Guid id, string? note, Caller caller, CancellationToken ct) =>
        ActWithTextAsync(id, note, "note", 4000, caller, (text, staffId) => new RecordDiscussion(text, staffId), ct);

    /// <summary>The follow-up a referred patient was promised (contacted, what was agreed): recorded once, sealed on the chain.</summary>
    public Task<Outcome<SessionWrite>> FollowUpReferralAsync(Guid id, string? note, Caller caller, CancellationToken ct) =>
        ActWithTextAsync(id, note, "note", 4000, caller, (text, staffId) => new FollowUpReferral(text, staffId), ct);

    public Task<Outcome<SessionWrite>> VoidAsync(Guid id, string? reason, Caller caller, CancellationToken ct) =>
        ActWithTextAsync(id, reason, "reason", 1000, caller, (text, staffId) => new VoidSession(text, staffId), ct);

    public Task<Outcome<SessionWrite>> WithdrawAsync(Guid id, string? reason, Caller caller, CancellationToken ct) =>
        ActWithTextAsync(id, reason, "reason", 1000, caller, (text, staffId) => new Withdraw(text, staffId), ct);

    /// <summary>
    /// The countersignature: the attestation accepted and the password entered again; when the patient
    /// signed under a name that is not the registered one, <paramref name="nameConfirmed"/> as well.
    /// </summary>
    public async Task<Outcome<SessionWrite>> CountersignAsync(
        Guid id, string? password, bool? statementAccepted, Caller caller, CancellationToken ct, bool? nameConfirmed = null, string? code = null)
    {
        if (!await OwnsAsync(id, caller, ct))
        {
            return Missing.Session;
        }

        if (statementAccepted is not true)
        {
            return FieldErrors.One("statementAccepted", "The attestation must be accepted to countersign.");
        }

        var (staff, refused) = await signatures.CheckAsync(caller.User, password, code, Identity.StaffSignatures.Countersignature, id, ct);
        if (refused is not null)
        {
            return refused;
        }

        var staffId = staff!.Id.ToString();
        return await writer.ApplyAsync(new SessionWriteRequest(id, caller.As(staffId), locked =>
            locked.State.Signatures.FirstOrDefault(s => !s.NameMatches) is { } signed && nameConfirmed is not true
                ? FieldErrors.One("nameConfirmed", signed.Signer == SignerKind.Patient
                    ? $"The patient signed as \"{signed.FullName}\", not as the registered \"{locked.Session.PatientName}\". Confirm that the registered patient signed (nameConfirmed)."
                    : $"The {SignerNames.Of(signed.Signer)} signed as \"{signed.FullName}\", not as \"{locked.State.Signers.NameOf(signed.Signer)}\" given at the start. Confirm who signed (nameConfirmed).")
                : new Countersign(staffId, true, nameConfirmed is true)), ct);
    }

    /// <summary>
    /// A consent the patient signed on the workflow's paper form in the clinician's presence (eIC Q&amp;A 1: a paper option for
    /// those who will not or cannot use a screen): the scan (PDF, JPEG or PNG, at most 20 MB, judged by its content, and
    /// it must open as the record will open it) is stored with its SHA-256, and the clinician's attestation "The patient signed
    /// this paper form, version N, in my presence on &lt;date&gt;" is an electronic signature (the password again, and the
    /// authenticator code at the sign-in's first signature: 21 CFR 11.200(a)(1)). The session is then Completed, on paper.
    /// </summary>
    /// <param name="declaredType">The type the upload claimed (its Content-Type), checked against its content when given.</param>
    public async Task<Outcome<SessionWrite>> RecordPaperAsync(
        Guid id, byte[]? scan, string? declaredType, string? fileName, string? signedOn, string? password, bool? statementAccepted,
        Caller caller, CancellationToken ct, string? code = null)
    {
        if (!await OwnsAsync(id, caller, ct))
        {
            return Missing.Session;
        }

        if (scan is null || scan.Length == 0)
        {
            return FieldErrors.One("scan", "Attach the scan of the signed paper form: a PDF, JPEG or PNG file.");
        }

        if (scan.Length > Consent.Records.PaperScans.MaxBytes)
        {
            return FieldErrors.One("scan", "The scan is larger than 20 MB. Scan at a lower resolution, or in grey, and try again.");
        }

        var contentType = Consent.Records.PaperScans.Sniff(scan);
        if (contentType is null)
        {
            return FieldErrors.One("scan", "The file is not a PDF, JPEG or PNG: its content is something else, whatever its name says.");
        }

        if (!ClaimMatches(contentType, declaredType, fileName))
        {
            return FieldErrors.One("scan", $"The file says it is {declaredType ?? fileName}, but its content is {contentType}: attach the scan itself.");
        }

        if (Consent.Records.PaperScans.CountPages(scan, contentType) is not { } pages)
        {
            return FieldErrors.One("scan", contentType == "application/pdf"
                ? "The PDF cannot be opened (it is damaged, password-protected or has no pages). Save the scan again without a password."
                : "The image cannot be read. Save the scan again as a JPEG or PNG.");
        }

        if (!DateOnly.TryParseExact(signedOn, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var signedDate))
        {
            return FieldErrors.One("signedOn", "Give the date the patient signed the paper form, as YYYY-MM-DD.");
        }

        if (statementAccepted is not true)
        {
            return FieldErrors.One("statementAccepted", "The attestation must be accepted to record the paper form.");
        }

        var (staff, refused) = await signatures.CheckAsync(caller.User, password, code, Identity.StaffSignatures.PaperAttestation, id, ct);
        if (refused is not null)
        {
            return refused;
        }

        var staffId = staff!.Id.ToString();
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, clinic.TimeZone).DateTime);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(scan));
        // Saved by the writer in its transaction, with the event that names it; not saved when the decision refuses.
        db.PaperScans.Add(new PaperScan
        {
            Id = Guid.CreateVersion7(), SessionId = id, ContentType = contentType, Content = scan, Sha256 = sha, Pages = pages,
            UploadedBy = staff.Id, UploadedAt = now,
        });
        try
        {
            return await writer.ApplyAsync(new SessionWriteRequest(id, caller.As(staffId),
                _ => new RecordPaperConsent(staffId, sha, contentType, scan.LongLength, pages, signedDate, today, true)), ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A declared type or file extension, when given, names the type the content is (image/jpg and .jpeg count as JPEG).</summary>
    private static bool ClaimMatches(string contentType, string? declaredType, string? fileName)
    {
        var declared = declaredType?.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            null or "" or "application/octet-stream" => null,
            "image/jpg" or "image/pjpeg" => "image/jpeg",
            "application/x-pdf" => "application/pdf",
            var other => other,
        };
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant() switch
        {
            "" => null,
            ".pdf" => "application/pdf",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            _ => "other",
        };
        return (declared is null || declared == contentType) && (extension is null || extension == contentType);
    }

    /// <summary>
    /// Values a nurse or clinician measured or confirmed for a check-in's <c>staff-check</c> step (blood pressure, a ride
    /// home): the interpreter checks each against the step's fields and, once the patient's part is done too, ends the
    /// check-in Cleared or Held.
    /// </summary>
    public async Task<Outcome<SessionWrite>> RecordStaffCheckAsync(
        Guid id, string stepId, IReadOnlyDictionary<string, JsonNode?>? values, Caller caller, CancellationToken ct)
    {
        if (!await OwnsAsync(id, caller, ct))
        {
            return Missing.Session;
        }

        if (values is null || values.Count == 0)
        {
            return FieldErrors.One("values", "Give the values of this check, by field id.");
        }

        var staffId = caller.StaffId!.Value.ToString();
        return await writer.ApplyAsync(new SessionWriteRequest(id, caller.As(staffId), _ => new RecordStaffCheck(stepId, values, staffId)), ct);
    }

    /// <summary>
    /// The clinician's decision on a held check-in: <c>cleared</c> after a discussion (the dose may go ahead) or
    /// <c>not-today</c>, with a note. It is an electronic signature (21 CFR 11.50, 11.200): the password is entered again.
    /// </summary>
    public async Task<Outcome<SessionWrite>> DecideCheckinAsync(
        Guid id, string? decision, string? note, string? password, Caller caller, CancellationToken ct, string? code = null)
    {
        if (!await OwnsAsync(id, caller, ct))
        {
            return Missing.Session;
        }

        CheckinDecision? chosen = decision switch
        {
            "cleared" => CheckinDecision.Cleared,
            "not-today" => CheckinDecision.NotToday,
            _ => null,
        };
        if (chosen is null)
        {
            return FieldErrors.One("decision", "The decision must be \"cleared\" (after a discussion, the dose may go ahead) or \"not-today\".");
        }

        var (clean, error) = TextInput.Clean(note, "note", 4000, multiline: true);
        if (error is not null)
        {
            return FieldErrors.One("note", error);
        }

        var (staff, refused) = await signatures.CheckAsync(caller.User, password, code, Identity.StaffSignatures.CheckinDecision, id, ct);
        if (refused is not null)
        {
            return refused;
        }

        var staffId = staff!.Id.ToString();
        return await writer.ApplyAsync(new SessionWriteRequest(id, caller.As(staffId), _ => new DecideCheckin(chosen.Value, clean!, staffId)), ct);
    }

    /// <summary>A new patient link (after a lockout or expiry); the old one stops working. The answer carries the new link.</summary>
    /// <param name="device">
    /// <see cref="Devices.ClinicTablet"/> for a link opened at once on a clinic tablet: it is not mailed, and the chain records
    /// that the patient's answers came through the clinic's device; null for a link for the patient's own device.
    /// </param>
    public async Task<Outcome<SessionWrite>> ReissueLinkAsync(Guid id, Caller caller, CancellationToken ct, string? device = null)
    {
        if (!await OwnsAsync(id, caller, ct))
        {
            return Missing.Session;
        }

        var token = LinkTokens.Create();
        var patientUrl = links.PatientUrl(caller.RequestBaseUrl, token);
        var staffId = caller.StaffId!.Value.ToString();
        var write = await writer.ApplyAsync(new SessionWriteRequest(id, caller.As(staffId),
            locked =>
            {
                locked.Session.LinkTokenHash = LinkTokens.Hash(token);
                if (device is null)
                {
                    mail.EnqueueInvitation(db, locked.Session, patientUrl); // saved only if the reissue is accepted
                }

                return new ReissueLink(clock.GetUtcNow().Add(locked.Workflow.Definition.InvitationValidFor), staffId, locked.Session.LinkTokenHash, device);
            },
            Answer: (session, _, _) => new JsonObject { ["patientUrl"] = patientUrl, ["expiresAt"] = session.ExpiresAt }), ct);
        mail.Wake();
        return write;
    }

    /// <summary>An action that carries one free text (answer, note, reason): checked, then applied.</summary>
    private async Task<Outcome<SessionWrite>> ActWithTextAsync(
        Guid id, string? text, string field, int maxLength, Caller caller, Func<string, string, SessionCommand> command, CancellationToken ct)
    {
        if (!await OwnsAsync(id, caller, ct))
        {
            return Missing.Session;
        }

        var (clean, error) = TextInput.Clean(text, field, maxLength, multiline: true);
        if (error is not null)
        {
            return FieldErrors.One(field, error);
        }

        var staffId = caller.StaffId!.Value.ToString();
        return await writer.ApplyAsync(new SessionWriteRequest(id, caller.As(staffId), _ => command(clean!, staffId)), ct);
    }

    /// <summary>Whether the caller may act on the session (else it is "not found" to them), before an upload is read.</summary>
    public Task<bool> ActsOnAsync(Guid id, Caller caller, CancellationToken ct) => OwnsAsync(id, caller, ct);

    private async Task<bool> OwnsAsync(Guid id, Caller caller, CancellationToken ct) =>
        await staffSessions.ActableAsync(id, caller.User, ct) is not null;
}
