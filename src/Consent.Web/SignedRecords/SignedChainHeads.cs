using Consent.Records;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SignedRecords;

/// <summary>
/// Compares the chain head each signed record carries (the sequence number and hash of the last
/// event it covers, inside the signed bytes: /ConsentChainSeq, /ConsentChainHash) with the session's
/// stored chain. A chain rewritten after its record was signed, every later hash recomputed and the
/// session's last hash updated, still verifies on its own; it no longer agrees with the record.
/// </summary>
public static class SignedChainHeads
{
    /// <summary>
    /// The session's chain check completed with its stored records: broken at the covered event when
    /// a signed record disagrees with the chain, or when a stored record no longer verifies (its
    /// chain head could be anything). Records issued before records carried a chain head are not
    /// compared (docs/event-log.md).
    /// </summary>
    public static async Task<ChainVerification> VerifyAsync(
        ConsentDbContext db, ConsentSession session, IReadOnlyList<ConsentEvent> events, EventSeals seals, CancellationToken ct)
    {
        var chain = PatientBinding.Verify(session, events, seals);
        if (!chain.Verified)
        {
            return chain;
        }

        var records = await db.Records.AsNoTracking().Where(r => r.SessionId == session.Id).OrderBy(r => r.IssuedAt)
            .Select(r => new { r.Kind, r.Pdf }).ToListAsync(ct);
        foreach (var record in records)
        {
            var verification = RecordVerifier.Verify(record.Pdf, null);
            if (!verification.IsIntact)
            {
                return new ChainVerification(false, verification.ChainSequence,
                    $"the stored {record.Kind} record of session {session.Id} no longer verifies, so the chain cannot be compared with it", null);
            }

            if (Compare(session.Id, record.Kind, verification, events) is { } broken)
            {
                return broken;
            }
        }

        return chain;
    }

    /// <summary>Null when the record names no chain head, or the chain's event at that number has the hash the record was signed with.</summary>
    public static ChainVerification? Compare(Guid sessionId, string kind, RecordVerification record, IReadOnlyList<ConsentEvent> events) =>
        Compare(sessionId, kind, record, record.ChainSequence is { } seq ? events.FirstOrDefault(e => e.Seq == seq)?.Hash : null);

    /// <summary>Null when the record names no chain head, or <paramref name="storedHash"/> (the stored event at that number) is the hash it was signed with.</summary>
    public static ChainVerification? Compare(Guid sessionId, string kind, RecordVerification record, string? storedHash)
    {
        if (record.ChainSequence is not { } seq || record.ChainHash is not { } hash || string.Equals(hash, storedHash, StringComparison.Ordinal))
        {
            return null;
        }

        return ChainVerification.Broken(seq, storedHash is null
            ? $"the signed {kind} record of session {sessionId} covers events 1 to {seq}, but the stored chain has no event {seq}"
            : $"the signed {kind} record of session {sessionId} was signed over event {seq} with hash {hash}, but the stored event {seq} has hash {storedHash}: the chain was rewritten after the record was signed");
    }
}
