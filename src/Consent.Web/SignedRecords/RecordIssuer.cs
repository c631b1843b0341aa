using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Consent.Web.SignedRecords;

/// <summary>
/// Issues a session's signed record: builds it from the events, renders and signs it, and stores the
/// PDF with its SHA-256 in the same transaction that logs <c>RecordIssued</c> on the session's chain.
/// Safe to run again at any point.
/// </summary>
/// <remarks>
/// The record row and its event commit together (under the session lock <see cref="SessionWriter"/>
/// takes), so a record never exists without its event or the other way round, even if the process
/// dies mid-job. A record already stored for (session, kind) is never rendered again; the interpreter
/// refuses a second <c>RecordIssued</c> of a kind, and the unique (session_id, kind) index backs it up.
/// </remarks>
public sealed class RecordIssuer(
    ConsentDbContext db, SessionWriter writer, RecordSigning signing, ClinicSettings clinic, TimeProvider clock,
    EventSeals seals, Identity.StaffAccountSeals accounts, CheckPageAddress checkPage, WorkflowVersions.WorkflowApprovals approvals,
    WorkflowVersions.ReviewSignatures signatures, RecordEvidenceStore evidence, ILogger<RecordIssuer> logger)
{
    /// <summary>The stored record of this kind, issuing it first if needed; null when the session does not exist or never ended this way.</summary>
    /// <exception cref="InvalidOperationException">
    /// Not issued, with an AUDIT ALERT: the chain or the row was changed outside the service, an account
    /// whose name the record prints is not sealed, or a record the chain does not name is stored in its place.
    /// </exception>
    public async Task<StoredRecord?> IssueAsync(Guid sessionId, RecordKind kind, CancellationToken ct)
    {
        if (await FindIssuedAsync(sessionId, kind, ct) is { } stored)
        {
            return stored;
        }

        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null)
        {
            return null;
        }

        string? withdrawn = null;
        if (kind == RecordKind.Withdrawal)
        {
            // The withdrawal names the consent record it withdraws, so that one must exist first.
            withdrawn = (await IssueAsync(sessionId, RecordKind.Consent, ct))?.Sha256;
            if (withdrawn is null)
            {
                return null;
            }
        }

        // Whole seconds: the PDF's signing time has no finer precision, and the FHIR export rebuilds the record at this time.
        var now = clock.GetUtcNow();
        var issuedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var record = await BuildAsync(session, kind, issuedAt, withdrawn, forSigning: true, ct);
        if (kind == RecordKind.Checkin && record?.Checkin is null)
        {
            return null;
        }

        if (record is null)
        {
            return null;
        }

        // Every record carries the public check page's address (the same on every record), as a QR code and as text.
        var signed = ConsentRecordPdf.RenderSigned(record, signing.Signer, new RecordRenderOptions
        {
            CheckUrl = checkPage.Url,
            Attachments = await AttachmentsAsync(record, ct),
        });
        // With a TSA: the signature time-stamp, validation data and an archive time-stamp (PAdES B-LTA); without an
        // answer from it, the record is issued as signed and the evidence job upgrades it later.
        var (pdf, added) = await evidence.AtIssueAsync(signed, ct);
        var row = new StoredRecord
        {
            Id = Guid.CreateVersion7(),
            SessionId = sessionId,
            Kind = kind.ToString(),
            Pdf = pdf,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(pdf)),
            IssuedAt = issuedAt,
        };

        // Added now, saved by the writer's SaveChanges in its transaction, together with the RecordIssued event.
        db.Records.Add(row);
        db.RecordEvidence.Add(evidence.FirstVersion(row, added));
        Outcome<SessionWrite>? write = null;
        try
        {
            write = await writer.ApplyAsync(
                new SessionWriteRequest(sessionId, Actor.Service, _ => new IssueRecord(row.Sha256, row.Kind), Answer: (_, _, _) => []), ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another node stored one first; theirs is the record.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        if (write is Outcome<SessionWrite>.Ok)
        {
            logger.LogInformation("Issued {Kind} record for session {SessionId} ({Bytes} bytes, sha256 {Sha256}).", row.Kind, sessionId, pdf.Length, row.Sha256);
            return row;
        }

        return await FindIssuedAsync(sessionId, kind, ct) ?? throw new InvalidOperationException(
            $"The {kind} record of session {sessionId} could not be issued: {(write is Outcome<SessionWrite>.Refused refused ? refused.Refusal.Reason : "it was refused")}.");
    }

    /// <summary>
    /// What the record carries so it can be checked with nothing beside it (PDF/A-3 associated files): the session's
    /// event chain up to the head the record prints, one canonical event per line (docs/event-log.md: each line's
    /// SHA-256 is the event's hash); the FHIR R4 bundle of the record; and the signing certificate chain.
    /// </summary>
    private async Task<IReadOnlyList<RecordAttachment>> AttachmentsAsync(ConsentRecord record, CancellationToken ct)
    {
        var last = record.Audit.LastSequence;
        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == record.SessionId && e.Seq <= last).OrderBy(e => e.Seq).ToListAsync(ct);
        var chain = string.Concat(events.Select(e => EventChain.CanonicalText(e) + "\n"));
        var bundle = FhirConsentBundle.ToJson(FhirConsentBundle.Build(record, ReadOnlyMemory<byte>.Empty, FhirBundleOptions.Default with { EmbeddedInRecord = true }));
        var certificates = string.Concat(signing.Chain.Select(SigningCertificates.ExportPublicPem));
        return
        [
            new(RecordAttachment.EventChainName, "application/jsonl", $"The session's event chain, events 1 to {last}: one canonical JSON event per line; the SHA-256 of each line is that event's hash, and the last is the chain head this record prints.",
                "Source", System.Text.Encoding.UTF8.GetBytes(chain)),
            new(RecordAttachment.FhirBundleName, "application/fhir+json", "This record as a FHIR R4 bundle (Consent or QuestionnaireResponse, Provenance, Patient, Organization, Practitioner).",
                "Alternative", System.Text.Encoding.UTF8.GetBytes(bundle)),
            new(RecordAttachment.CertificatesName, "application/x-pem-file", "The certificate this record is signed with, and the certificates of its issuers.",
                "Supplement", System.Text.Encoding.ASCII.GetBytes(certificates)),
        ];
    }

    /// <summary>
    /// The record model behind a stored record, rebuilt from the same events (for the FHIR export); throws
    /// <see cref="UnverifiedChainException"/>, with an AUDIT ALERT, when the chain or the row was changed
    /// outside the service.
    /// </summary>
    public async Task<ConsentRecord?> DescribeAsync(ConsentSession session, StoredRecord stored, CancellationToken ct)
    {
        if (!Enum.TryParse<RecordKind>(stored.Kind, out var kind))
        {
            return null;
        }

        var withdrawn = kind == RecordKind.Withdrawal ? (await FindAsync(session.Id, RecordKind.Consent, ct))?.Sha256 : null;
        return await BuildAsync(session, kind, stored.IssuedAt, withdrawn, forSigning: false, ct);
    }

    /// <summary>
    /// For a check-in: the SHA-256 of the consent record it relies on. Its first event seals the consent session that was in
    /// force when it started (<see cref="ReliesOn"/>, written by SessionStarts under PatientCheckins' lock), and the SHA-256
    /// too when that record was already issued. The record is read from the consent session's stored, chained record (issued
    /// first if the job has not run yet, as a withdrawal's consent record is); a stored record that is not the one the
    /// check-in sealed is an AUDIT ALERT and nothing is signed. Null for a check-in started before the consent was sealed.
    /// </summary>
    private async Task<string?> ReliedOnAsync(ReliesOn? reliesOn, Guid checkinId, bool forSigning, CancellationToken ct)
    {
        if (reliesOn is null)
        {
            return null;
        }

        var consent = forSigning ? await IssueAsync(reliesOn.SessionId, RecordKind.Consent, ct) : await FindAsync(reliesOn.SessionId, RecordKind.Consent, ct);
        if (consent is null)
        {
            return reliesOn.RecordSha256;
        }

        if (reliesOn.RecordSha256 is { } sealedSha && !string.Equals(sealedSha, consent.Sha256, StringComparison.Ordinal))
        {
            logger.LogCritical("AUDIT ALERT: check-in {SessionId} relies on consent record {Sealed}, but session {ConsentId} stores {Stored}.",
                checkinId, sealedSha, reliesOn.SessionId, consent.Sha256);
            throw new UnverifiedChainException(
                $"The check-in record of session {checkinId} was not {(forSigning ? "signed" : "described")}: the consent record it relies on is not the one its chain names.");
        }

        return consent.Sha256;
    }

    public Task<StoredRecord?> FindAsync(Guid sessionId, RecordKind kind, CancellationToken ct) =>
        db.Records.AsNoTracking().SingleOrDefaultAsync(r => r.SessionId == sessionId && r.Kind == kind.ToString(), ct);

    /// <summary>
    /// The stored record of this kind when its chain names it (<see cref="ChainedRecords"/>); throws, with
    /// an AUDIT ALERT, when a record the chain does not name takes its place: it is not the session's
    /// record, and the service's own cannot be stored beside it.
    /// </summary>
    private async Task<StoredRecord?> FindIssuedAsync(Guid sessionId, RecordKind kind, CancellationToken ct)
    {
        var stored = await FindAsync(sessionId, kind, ct);
        if (stored is null || await ChainedRecords.IsNamedAsync(db, stored, ct))
        {
            return stored;
        }

        logger.LogCritical("AUDIT ALERT: refused to take a stored record as issued: {Problem}.", ChainedRecords.Problem(stored));
        throw new InvalidOperationException($"The {kind} record of session {sessionId} was not issued: {ChainedRecords.Problem(stored)}.");
    }

    private async Task<ConsentRecord?> BuildAsync(
        ConsentSession session, RecordKind kind, DateTimeOffset issuedAt, string? withdrawn, bool forSigning, CancellationToken ct)
    {
        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id).OrderBy(e => e.Seq).ToListAsync(ct);
        if (events.Count > 0
            && (EventChain.Verify(events, events.Count, events[^1].Hash, seals) is { Verified: false } broken ? broken : PatientBinding.Check(session, events)) is { } chain)
        {
            // Never sign, nor describe, what the service did not write: an event appended or rewritten in the
            // database (a forged countersignature), or a patient renamed in the session row, would otherwise
            // become a valid signed record, or a FHIR Consent filed under another patient (the third outside
            // review renamed a completed session's patient and its MRN, and the bundle named them).
            logger.LogCritical("AUDIT ALERT: refused to {Act} the {Kind} record of session {SessionId}: {Problem} (at event {Seq}).",
                forSigning ? "sign" : "describe", kind, session.Id, chain.Problem, chain.BrokenAtSeq);
            throw new UnverifiedChainException(
                $"The {kind} record of session {session.Id} was not {(forSigning ? "signed" : "described")}: its event chain does not verify ({chain.Problem}, at event {chain.BrokenAtSeq}).");
        }

        var staffIds = events.Select(e => e.Actor)
            .Concat(events.Select(e => JsonNode.Parse(e.Payload) is JsonObject p && p[PayloadKeys.StaffId] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null))
            .Select(id => Guid.TryParse(id, out var g) ? g : (Guid?)null)
            .OfType<Guid>()
            .Distinct()
            .ToList();
        var names = await SealedNamesAsync(session.Id, kind, staffIds, forSigning, ct);
        // The workflow the chain sealed, not the one the row names (the row has no seal; signing refused a difference above).
        var (workflow, state) = await writer.OpenAsync(session, ct);
        var reliedOn = kind == RecordKind.Checkin ? await ReliedOnAsync(state.ReliesOn, session.Id, forSigning, ct) : null;
        var approved = await ApprovalsAsync(workflow, state.Exists ? state.CreatedAt : session.CreatedAt, ct);
        var scan = kind == RecordKind.Consent && state.Paper is { } paper ? await ScanAsync(session.Id, paper, forSigning, ct) : null;
        return ConsentRecordBuilder.Build(new RecordSource(session, workflow, events, kind, issuedAt, clinic, names, withdrawn, reliedOn, approved, scan));
    }

    /// <summary>
    /// The scan a paper consent's chain names by its SHA-256, read from <c>paper_scans</c> and hashed again: a row changed or
    /// missing (the table is append-only for the service, but its owner can write) signs nothing, with an AUDIT ALERT.
    /// </summary>
    private async Task<PaperScan> ScanAsync(Guid sessionId, Consent.Workflows.PaperConsent paper, bool forSigning, CancellationToken ct)
    {
        var sha = paper.Recorded.ScanSha256;
        var scan = await db.PaperScans.AsNoTracking().SingleOrDefaultAsync(p => p.SessionId == sessionId && p.Sha256 == sha, ct);
        if (scan is null || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(scan.Content)), sha, StringComparison.Ordinal)
            || scan.ContentType != paper.Recorded.ContentType)
        {
            logger.LogCritical("AUDIT ALERT: refused to {Act} the record of session {SessionId}: the paper scan its chain names (SHA-256 {Sha256}) is {Problem}.",
                forSigning ? "sign" : "describe", sessionId, sha, scan is null ? "not stored" : "not the one stored then");
            throw new UnverifiedChainException($"The record of session {sessionId} was not {(forSigning ? "signed" : "described")}: its paper scan is not the one its chain names.");
        }

        return scan;
    }

    /// <summary>
    /// Who approved the workflow version the session ran on, and when: the approvals whose seals hold, bound to its hash
    /// and signed before the session started (decisions are append-only, so a record rebuilt later names the same ones).
    /// </summary>
    private async Task<List<UseCases.Review.ReviewSignature>> ApprovalsAsync(Consent.Workflows.LoadedWorkflow workflow, DateTimeOffset startedAt, CancellationToken ct)
    {
        var entry = await db.WorkflowVersions.AsNoTracking()
            .SingleOrDefaultAsync(w => w.WorkflowId == workflow.Definition.Id && w.Version == workflow.Definition.Version, ct);
        if (entry is null || !string.Equals(entry.Hash, workflow.Hash, StringComparison.Ordinal))
        {
            return [];
        }

        var approvers = (await approvals.StatusAsync(entry, ct)).Approvers.Where(r => r.DecidedAt <= startedAt).ToList();
        var legacyNames = await signatures.LegacyNamesAsync(approvers, ct);
        return [.. approvers.Select(r => signatures.Of(r, entry.Hash, legacyNames))];
    }

    /// <summary>
    /// The names of these staff accounts as the record prints them, each read afresh and only from an
    /// account whose seal holds (<see cref="Identity.StaffAccountSeals"/>): a display name written in the
    /// database outside the service (an outside review renamed a clinician for the seconds around a
    /// countersignature) is never printed. To sign, such an account stops the record, with an AUDIT
    /// ALERT naming it, and the job is tried again later; rebuilt for the FHIR export, it is shown by id.
    /// </summary>
    private async Task<Dictionary<string, string>> SealedNamesAsync(Guid sessionId, RecordKind kind, List<Guid> staffIds, bool forSigning, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (user, seal) in await SealedStaff.ReadAsync(db, accounts, staffIds, ct))
        {
            if (seal != Identity.SealState.Holds)
            {
                if (forSigning)
                {
                    logger.LogCritical("AUDIT ALERT: refused to sign the {Kind} record of session {SessionId}: staff account {UserId}, whose name it prints, is not as the service sealed it: {Why}.",
                        kind, sessionId, user.Id, Identity.StaffAccountSeals.Why(seal));
                    throw new InvalidOperationException(
                        $"The {kind} record of session {sessionId} was not signed: staff account {user.Id}, whose name it prints, is not as the service sealed it.");
                }

                continue;
            }

            // The email is sealed as normalized: it stands in for a missing name only when it is that address.
            names[user.Id.ToString()] = !string.IsNullOrWhiteSpace(user.DisplayName) ? user.DisplayName
                : user.Email is { } email && string.Equals(email.ToUpperInvariant(), user.NormalizedEmail, StringComparison.Ordinal) ? email
                : user.Id.ToString();
        }

        return names;
    }
}

/// <summary>A record was not signed or described because its session's chain, or its row, was changed outside the service.</summary>
public sealed class UnverifiedChainException(string message) : InvalidOperationException(message);
