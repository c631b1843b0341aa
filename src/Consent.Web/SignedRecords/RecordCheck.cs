using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SignedRecords;

/// <summary>
/// What an uploaded record turned out to be: the PDF signature checks, and whether it is a record this
/// service stored, for which session, and whether that session's event chain still verifies.
/// </summary>
/// <param name="Valid">Signature valid and trusted, file intact, identical to the stored record, chain verified, record logged in the chain.</param>
public sealed record RecordCheckReport(
    bool Valid,
    string FileSha256,
    long FileBytes,
    SignatureReport Signature,
    CertificateReport? Certificate,
    SessionReport? Session,
    StoredRecordReport StoredRecord,
    ChainReport? Chain,
    IReadOnlyList<string> Problems,
    Checkpoints.SessionAnchorReport? Anchor = null)
{
    /// <summary>The file's long-term evidence: PAdES level, time-stamps, validation data, and which stored version it is.</summary>
    public EvidenceReport? Evidence { get; init; }
}

/// <summary>
/// A record's long-term evidence as checked (ETSI EN 319 142-1 levels): <paramref name="Level"/> is B-B, B-T, B-LT or B-LTA;
/// each time-stamp with its time (the TSA's genTime), TSA and whether it verifies and its TSA is trusted; the certificates
/// and CRLs the file holds for validation; how many updates follow the signed record; which stored version of the record
/// the file is (0: as issued) and the newest version's SHA-256.
/// </summary>
public sealed record EvidenceReport(
    string? Level, IReadOnlyList<RecordTimestamp> Timestamps, int ValidationCertificates, int ValidationCrls, int Updates,
    int? StoredVersion, string? LatestSha256, string? LatestLevel)
{
    /// <summary>The files embedded in the signed record (event chain, FHIR bundle, certificates).</summary>
    public IReadOnlyList<RecordEmbeddedFile> EmbeddedFiles { get; init; } = [];

    /// <summary>Whether the embedded event chain hashes to the chain head the record prints.</summary>
    public EmbeddedChainCheck? EmbeddedChain { get; init; }
}

/// <summary>The PDF signature: present, PAdES, covering the whole file, digest and CMS signature valid.</summary>
/// <param name="UnsignedBytes">Bytes after the signed part (an incremental update or appended data); the session and kind are read from the signed part only.</param>
public sealed record SignatureReport(
    bool Present, string? SubFilter, bool CoversWholeFile, bool DigestMatches, bool Valid, bool Intact, DateTimeOffset? SigningTime, long UnsignedBytes);

/// <summary>The signer's certificate and whether it is this service's.</summary>
public sealed record CertificateReport(string Subject, string ThumbprintSha256, DateTimeOffset NotBefore, DateTimeOffset NotAfter, bool Trusted);

/// <summary>The session the record names, and whether this service knows it.</summary>
public sealed record SessionReport(Guid Id, string? Kind, string? WorkflowId, int? WorkflowVersion, bool Found, string? Status);

/// <summary>Whether the upload is byte for byte the record stored for that session.</summary>
public sealed record StoredRecordReport(bool Matches, string? Kind, string? StoredSha256, DateTimeOffset? IssuedAt);

/// <summary>
/// The session's event chain: verified or where it breaks (also where it disagrees with the chain head
/// the file was signed over), whether a <c>RecordIssued</c> event names this file, and that chain head.
/// </summary>
public sealed record ChainReport(bool Verified, long? BrokenAtSeq, string? Problem, string? LastHash, bool RecordIssuedLogged, SignedChainHeadReport? SignedHead);

/// <summary>
/// The last event the file says it covers (signed into it) and whether the stored chain's event at
/// that number still has that hash; null for records issued before records carried one.
/// </summary>
public sealed record SignedChainHeadReport(long Seq, string Hash, bool MatchesChain);

/// <summary>Checks an uploaded record against the service certificate, the stored records and the event chains.</summary>
/// <remarks>
/// <see cref="RecordCheckReport.Anchor"/>: the session against the anchored chain checkpoints that cover it (docs/checkpoints.md);
/// a checkpoint that fails makes the report not valid, and events after the latest one are only "not yet anchored".
/// </remarks>
public sealed class RecordCheck(ConsentDbContext db, RecordSigning signing, EventSeals seals, RecordEvidenceStore evidence, Checkpoints.CheckpointVerifier checkpoints)
{
    /// <summary>Largest upload checked (records are well under a megabyte): the API and the auditor's page both hold to it.</summary>
    public const int MaxUploadBytes = 20 * 1024 * 1024;

    public async Task<RecordCheckReport> CheckAsync(ReadOnlyMemory<byte> pdf, CancellationToken ct)
    {
        var v = RecordVerifier.VerifyWithAny(pdf, [.. signing.Trusted], evidence.Trust);
        var problems = new List<string>(v.Problems);
        var signature = new SignatureReport(v.HasSignature, v.SubFilter, v.CoversWholeFile, v.DigestMatches, v.SignatureValid, v.IsIntact, v.SigningTime, v.UnsignedBytes);
        var certificate = v.Certificate is { } c ? new CertificateReport(c.Subject, c.ThumbprintSha256, c.NotBefore, c.NotAfter, v.Trusted) : null;

        // One snapshot for the stored record, the session row and its events. A record commits with
        // its RecordIssued event and the session's new head; read separately, an event appended in
        // between made an honest chain look broken or a stored record look unlogged (as in the audit).
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        // A file we stored is found by its hash even if its document information were unreadable.
        var stored = await db.Records.AsNoTracking().Where(r => r.Sha256 == v.FileSha256)
            .Select(r => new { r.Id, r.SessionId, r.Kind, r.Sha256, r.IssuedAt }).FirstOrDefaultAsync(ct);
        // A version with long-term evidence added after issue (time-stamps, validation data) is the same record: its
        // file begins with the issued bytes, which the chain names, and the rest only adds evidence (the verifier checks).
        var version = stored is null
            ? await db.RecordEvidence.AsNoTracking().Where(e => e.Sha256 == v.FileSha256 && e.Version > 0).FirstOrDefaultAsync(ct)
            : null;
        if (version is not null && !evidence.SealHolds(version))
        {
            // A row the service did not write (the database role can insert): it is not a stored version.
            problems.Add("A stored evidence version names this file, but it is not sealed by this service.");
            version = null;
        }
        var issuedPrefix = false;
        if (version is not null)
        {
            var issued = await db.Records.AsNoTracking().SingleAsync(r => r.Id == version.RecordId, ct);
            issuedPrefix = pdf.Length > issued.Pdf.Length && pdf.Span[..issued.Pdf.Length].SequenceEqual(issued.Pdf);
            stored = issuedPrefix ? new { issued.Id, issued.SessionId, issued.Kind, issued.Sha256, issued.IssuedAt } : null;
        }

        var versions = stored is null ? [] : await db.RecordEvidence.AsNoTracking().Where(e => e.RecordId == stored.Id).OrderBy(e => e.Version)
            .Select(e => new { e.Version, e.Sha256, e.Level }).ToListAsync(ct);
        var evidenceReport = new EvidenceReport(v.EvidenceLevel, v.Timestamps, v.ValidationCertificates, v.ValidationCrls, v.Updates,
            stored is null ? null : version?.Version ?? 0, versions.LastOrDefault()?.Sha256 ?? stored?.Sha256, versions.LastOrDefault()?.Level)
        {
            EmbeddedFiles = v.EmbeddedFiles,
            EmbeddedChain = v.EmbeddedChain,
        };
        var sessionId = v.SessionId ?? stored?.SessionId;
        if (sessionId is null)
        {
            problems.Add("The file does not name a consent session, and no stored record has its SHA-256.");
            return new RecordCheckReport(false, v.FileSha256, pdf.Length, signature, certificate, null,
                new StoredRecordReport(false, null, null, null), null, problems) { Evidence = evidenceReport };
        }

        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == sessionId, ct);
        var sessionReport = new SessionReport(sessionId.Value, v.Kind?.ToString() ?? stored?.Kind, v.WorkflowId, v.WorkflowVersion, session is not null, session?.Status);
        if (session is null)
        {
            problems.Add($"Session {sessionId} is not known to this service.");
            return new RecordCheckReport(false, v.FileSha256, pdf.Length, signature, certificate, sessionReport,
                new StoredRecordReport(false, null, null, null), null, problems) { Evidence = evidenceReport };
        }

        StoredRecordReport storedReport;
        if (stored is not null && stored.SessionId == session.Id)
        {
            storedReport = new StoredRecordReport(true, stored.Kind, stored.Sha256, stored.IssuedAt);
        }
        else
        {
            var kind = v.Kind?.ToString();
            var expected = await db.Records.AsNoTracking().Where(r => r.SessionId == session.Id && (kind == null || r.Kind == kind))
                .OrderByDescending(r => r.IssuedAt).Select(r => new { r.Kind, r.Sha256, r.IssuedAt }).FirstOrDefaultAsync(ct);
            storedReport = new StoredRecordReport(false, expected?.Kind, expected?.Sha256, expected?.IssuedAt);
            problems.Add(expected is null
                ? $"No {kind ?? "record"} is stored for session {session.Id}."
                : $"The file is not the {expected.Kind} record stored for session {session.Id}: its SHA-256 differs.");
        }

        var events = await db.Events.AsNoTracking().Where(e => e.SessionId == session.Id).OrderBy(e => e.Seq).ToListAsync(ct);
        var chain = PatientBinding.Verify(session, events, seals);
        // The chain names the record as issued; a later evidence version is logged through the issued bytes it begins with.
        var namedSha = issuedPrefix ? stored!.Sha256 : v.FileSha256;
        var logged = events.Where(e => e.Type == EventTypes.RecordIssued)
            .Any(e => RecordIssuedPayload.From(SessionWriter.ToRecorded(e).Payload).Sha256 == namedSha);
        if (!chain.Verified)
        {
            problems.Add($"The session's event chain does not verify: {chain.Problem} (at event {chain.BrokenAtSeq}).");
        }

        // Only a file whose signature holds says reliably which event it was signed over.
        var disagreement = v.IsIntact ? SignedChainHeads.Compare(session.Id, v.Kind?.ToString() ?? storedReport.Kind ?? "record", v, events) : null;
        var signedHead = v.ChainSequence is { } headSeq && v.ChainHash is { } headHash
            ? new SignedChainHeadReport(headSeq, headHash, events.Any(e => e.Seq == headSeq && e.Hash == headHash))
            : null;
        if (chain.Verified && disagreement is not null)
        {
            chain = disagreement;
            problems.Add($"The session's event chain disagrees with this record: {chain.Problem} (session {session.Id}, event {chain.BrokenAtSeq}).");
        }

        if (storedReport.Matches && !logged)
        {
            problems.Add("The session's event chain has no RecordIssued event naming this file's SHA-256.");
        }

        var anchor = await checkpoints.VerifySessionAsync(session.Id, events, ct);
        problems.AddRange(anchor.Problems.Select(p => $"The session's anchored checkpoint does not hold: {p}."));
        var valid = v.IsValid && storedReport.Matches && chain.Verified && logged && problems.Count == 0;
        return new RecordCheckReport(valid, v.FileSha256, pdf.Length, signature, certificate, sessionReport, storedReport,
            new ChainReport(chain.Verified, chain.BrokenAtSeq, chain.Problem, chain.LastHash, logged, signedHead), problems, anchor) { Evidence = evidenceReport };
    }
}
