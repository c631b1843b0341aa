using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SignedRecords;

/// <summary>
/// Whether a stored record is one the session's chain says was issued: a <c>RecordIssued</c> event of
/// the session names its kind and SHA-256. The record and its event commit together, so a record
/// without one was put in <c>consent_records</c> outside the service.
/// </summary>
/// <remarks>
/// An outside review inserted another session's signed PDF as a session's consent record before it was
/// countersigned: issuing then took it for the session's record and skipped, and downloads served the
/// other patient's PDF. The issuer, the downloads and the patient's copy by mail ask this first; the auditors' export
/// (<see cref="RecordExport"/>) asks the same in SQL.
/// </remarks>
public static class ChainedRecords
{
    /// <summary>True when a <c>RecordIssued</c> event of the record's session names its kind and SHA-256.</summary>
    public static async Task<bool> IsNamedAsync(ConsentDbContext db, StoredRecord record, CancellationToken ct)
    {
        var issued = await db.Events.AsNoTracking().Where(e => e.SessionId == record.SessionId && e.Type == EventTypes.RecordIssued)
            .Select(e => e.Payload).ToListAsync(ct);
        return issued.Any(payload => JsonNode.Parse(payload) is JsonObject p && RecordIssuedPayload.From(p) is var named
            && string.Equals(named.Sha256, record.Sha256, StringComparison.Ordinal) && string.Equals(named.Kind, record.Kind, StringComparison.Ordinal));
    }

    /// <summary>What the AUDIT ALERT and the refusal say about a record the chain does not name.</summary>
    public static string Problem(StoredRecord record) => Problem(record.SessionId, record.Kind, record.Sha256);

    /// <inheritdoc cref="Problem(StoredRecord)"/>
    public static string Problem(Guid sessionId, string kind, string sha256) =>
        $"the {kind} record stored for session {sessionId} (sha256 {sha256}) is not one its event chain says was issued: it was put there outside the service";
}
