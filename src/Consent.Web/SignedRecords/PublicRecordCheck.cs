using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SignedRecords;

/// <summary>What the public check page says about an uploaded file: the offline report, and whether this service issued it.</summary>
/// <param name="Report">Exactly what <c>verify-record</c> reports of the bytes, trusting this service's certificates, without the session line.</param>
/// <param name="Issued">Whether this service issued a record with the file's SHA-256 (one its session's event chain names), as issued or
/// as its evidence job later extended it (a version sealed by this service).</param>
public sealed record PublicCheckResult(RecordFileReport Report, bool Issued)
{
    /// <summary>Intact, signed by this service's certificate and issued by it.</summary>
    public bool Genuine => Report.Valid && Issued;
}

/// <summary>
/// The public check page's two questions, for anyone holding a record and no sign-in: is this file a
/// genuine record of this service, and did this service issue a record with this SHA-256? Each answer
/// is the offline <c>verify-record</c> report of the file plus one bit from the database, "issued by
/// this service: yes or no" (21 CFR 11.10(b): accurate and complete copies that others can check).
/// </summary>
/// <remarks>
/// Nothing else from the database is read out: no session, patient, date or kind. A record counts as
/// issued only when its session's chain names it (<see cref="ChainedRecords"/>), so a row put in
/// <c>consent_records</c> outside the service is "no" here too. Known and unknown digests take the same
/// indexed lookup; a known one adds the chain check, which discloses nothing the yes does not.
/// </remarks>
public sealed class PublicRecordCheck(ConsentDbContext db, RecordSigning signing, RecordEvidenceStore evidence)
{
    /// <summary>The largest upload checked, as on the auditors' page and the API.</summary>
    public const int MaxUploadBytes = RecordCheck.MaxUploadBytes;

    public async Task<PublicCheckResult> CheckFileAsync(byte[] pdf, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        // The time-stamps are checked against the TSA roots the service trusts (Signing:TimestampRootsPath), as on the
        // auditors' page: without them every stamp read "TSA not trusted here", a stamp from a look-alike TSA included.
        var v = RecordVerifier.VerifyWithAny(pdf, signing.Trusted, evidence.Trust);
        var report = RecordFileReport.Of(v, "the uploaded file", pdf.Length, "this service's certificate", withSession: false);
        return new PublicCheckResult(report, await IsIssuedAsync(v.FileSha256, ct));
    }

    /// <param name="sha256">64 lower-case hex digits (<see cref="NormalizeSha256"/>).</param>
    public async Task<bool> IsIssuedAsync(string sha256, CancellationToken ct)
    {
        var stored = await db.Records.AsNoTracking().Where(r => r.Sha256 == sha256)
            .Select(r => new StoredRecord { SessionId = r.SessionId, Kind = r.Kind, Sha256 = r.Sha256 }).ToListAsync(ct);
        // The file as the evidence job extended it (time-stamps and validation data appended after issue, or an archive
        // time-stamp renewed) is the same record: a version sealed by this service names it, and the chain names the record
        // as issued. Without this the first renewal made every genuine record "not issued" here (an outside review).
        var versions = await db.RecordEvidence.AsNoTracking().Where(e => e.Sha256 == sha256 && e.Version > 0).ToListAsync(ct);
        foreach (var version in versions.Where(evidence.SealHolds))
        {
            stored.AddRange(await db.Records.AsNoTracking().Where(r => r.Id == version.RecordId)
                .Select(r => new StoredRecord { SessionId = r.SessionId, Kind = r.Kind, Sha256 = r.Sha256 }).ToListAsync(ct));
        }

        foreach (var record in stored)
        {
            if (await ChainedRecords.IsNamedAsync(db, record, ct))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A SHA-256 as people copy it: 64 hex digits in either case, spaces, tabs, line breaks and colons ignored; null for anything else.</summary>
    public static string? NormalizeSha256(string? input)
    {
        if (input is null || input.Length > 256)
        {
            return null;
        }

        var hex = string.Concat(input.Where(c => !char.IsWhiteSpace(c) && c != ':')).ToLowerInvariant();
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigitLower) ? hex : null;
    }
}
