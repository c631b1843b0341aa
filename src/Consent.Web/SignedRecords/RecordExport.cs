using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Consent.Web.Data;
using Consent.Workflows;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Web.SignedRecords;

/// <summary>Which records an export holds: issued in [<see cref="From"/>, <see cref="To"/>), of one workflow if given.</summary>
public sealed record RecordExportFilter(DateTimeOffset? From, DateTimeOffset? To, string? WorkflowId);

/// <summary>What an export wrote: how many records, and the SHA-256 (lower-case hex) of its <c>manifest.csv</c> as in the ZIP.</summary>
public sealed record RecordExportResult(int Records, string ManifestSha256);

/// <summary>
/// Writes the auditors' ZIP of signed records straight to a stream: <c>manifest.csv</c> first, then
/// every PDF under <c>records/</c>, then the service certificate and a short README.
/// </summary>
/// <remarks>
/// <para>
/// Memory stays flat however many records there are: rows are read from PostgreSQL one at a time
/// (the PDF bytes of one record at most) and each entry is written to the response as it is read.
/// Both passes (manifest, then PDFs) run in one repeatable-read transaction, so the manifest lists
/// exactly the files that follow even while new records are being issued.
/// </para>
/// <para>
/// Only records the session's event chain says were issued are exported (a <c>RecordIssued</c> event
/// names the kind and SHA-256, as <see cref="ChainedRecords"/> asks one record at a time), and the
/// workflow a line names, and the workflow filter, come from the chain's first event, not from the
/// session row, which the runtime role can write. A record the chain does not name was put in
/// <c>consent_records</c> outside the service: it is left out, logged as an AUDIT ALERT and counted
/// in README.txt, so an auditor never receives another patient's PDF under this session's name.
/// </para>
/// </remarks>
/// <remarks>
/// Exports are the auditor's: they may be served by the read source, a hot standby (<see cref="Hosting.AuditReads"/>),
/// and README.txt then says how stale the export may be.
/// </remarks>
public sealed class RecordExport(Hosting.AuditReads reads, RecordSigning signing, TimeProvider clock, ILogger<RecordExport> logger)
{
    /// <summary>
    /// The manifest's columns. <c>kind</c> is the record's kind (<c>Checkin</c> for a dose-day check-in record);
    /// <c>completed_at</c> is when a consent was countersigned or a check-in cleared; <c>relies_on_sha256</c>, for a
    /// check-in record only, is the SHA-256 of the consent record the check-in relied on (docs/api.md, "Check-in records").
    /// </summary>
    public const string ManifestHeader = "session_id,workflow_id,workflow_version,session_status,kind,completed_at,issued_at,sha256,file,relies_on_sha256";

    /// <summary>
    /// Writes the ZIP; answers how many records it holds and the SHA-256 of its manifest, which names every record by its
    /// own SHA-256, so the manifest's hash on the system audit trail pins down what left (21 CFR 11.10(e), 45 CFR 164.312(b)).
    /// </summary>
    public async Task<RecordExportResult> WriteAsync(Stream output, RecordExportFilter filter, CancellationToken ct)
    {
        var db = await reads.ForAuditorAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var unnamed = await UnnamedAsync(connection, filter, ct);
        await using var sink = new ZipResponseBuffer(output);
        var count = 0;
        using var manifestHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A streaming writer: of each entry it keeps only its central directory record (StreamingZipWriter), so an
        // export of millions of records does not hold an object graph per record as ZipArchive does.
        var zip = new StreamingZipWriter(sink);
        var now = clock.GetUtcNow();
        using (var manifest = new StreamWriter(zip.OpenEntry("manifest.csv", now, deflate: true), new UTF8Encoding(false)))
        {
            // Every line is hashed as the bytes the entry holds (UTF-8, no byte order mark).
            void Line(string line)
            {
                manifest.Write(line);
                manifestHash.AppendData(Encoding.UTF8.GetBytes(line));
            }

            Line(ManifestHeader + "\n");
            await using var rows = await Command(connection, ManifestColumns, filter).ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                var sessionId = rows.GetGuid(0);
                var kind = rows.GetString(4);
                Line(string.Join(',',
                    sessionId.ToString("D"), Csv(rows.GetString(1)), rows.GetInt32(2).ToString(CultureInfo.InvariantCulture), Csv(rows.GetString(3)),
                    Csv(kind), Time(rows.IsDBNull(5) ? null : rows.GetFieldValue<DateTimeOffset>(5)), Time(rows.GetFieldValue<DateTimeOffset>(6)),
                    rows.GetString(7), Csv(FilePath(sessionId, kind)), rows.IsDBNull(8) ? "" : rows.GetString(8)) + "\n");
                count++;
                await sink.DrainAsync(all: false, ct);
            }
        }

        await using (var files = await Command(connection, FileColumns, filter).ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct))
        {
            while (await files.ReadAsync(ct))
            {
                var name = FilePath(files.GetGuid(0), files.GetString(1));
                // PDFs are compressed already: stored.
                using (var stream = zip.OpenEntry(name, files.GetFieldValue<DateTimeOffset>(2), deflate: false))
                {
                    await using var pdf = files.GetStream(3);
                    await pdf.CopyToAsync(stream, ct);
                }

                await sink.DrainAsync(all: true, ct);
            }
        }

        WriteText(zip, "certificate.pem", signing.PublicPem + signing.PreviousPem, now);
        WriteText(zip, "README.txt", Readme(filter, count, unnamed), now);
        zip.Finish();

        await sink.DrainAsync(all: true, ct);
        await transaction.CommitAsync(ct);
        return new RecordExportResult(count, Convert.ToHexStringLower(manifestHash.GetHashAndReset()));
    }

    /// <summary>
    /// The status and completion time come from the chain too (<see cref="SessionLifecycle.StatusOf"/>, in
    /// SQL: the last ending event, else signed, verified or invited), as the row's copies have no seal: the
    /// third outside review marked a declined session Completed in the row, and the manifest said so.
    /// </summary>
    private static readonly string ManifestColumns =
        "r.session_id, w.workflow_id, w.workflow_version, " + StatusSql + ", r.kind, "
        + $"(SELECT c.at FROM consent_events c WHERE c.session_id = r.session_id AND c.type IN ('{EventTypes.ClinicianCountersigned}', '{EventTypes.PaperConsentRecorded}', "
        + $"'{EventTypes.CheckinCleared}', '{EventTypes.CheckinReleased}') ORDER BY c.seq LIMIT 1), "
        + "r.issued_at, " + CurrentSha256 + ", "
        // A check-in's first event seals the consent it relies on (its record's SHA-256 when that was issued already, else the session).
        + $"CASE WHEN r.kind = '{nameof(Consent.Records.RecordKind.Checkin)}' THEN COALESCE(w.relies_sha, "
        + $"(SELECT r2.sha256 FROM consent_records r2 WHERE r2.session_id::text = w.relies_session AND r2.kind = '{nameof(Consent.Records.RecordKind.Consent)}')) END";

    private static string StatusSql => $"""
        COALESCE(
            (SELECT CASE c.type {string.Join(" ", SessionLifecycle.Endings.Select(e => $"WHEN '{e.Key}' THEN '{e.Value}'"))} END
             FROM consent_events c WHERE c.session_id = r.session_id AND c.type IN ({string.Join(", ", SessionLifecycle.Endings.Keys.Select(k => $"'{k}'"))})
             ORDER BY c.seq DESC LIMIT 1),
            CASE WHEN EXISTS (SELECT 1 FROM consent_events c WHERE c.session_id = r.session_id AND c.type = '{EventTypes.PatientSigned}') THEN '{SessionStatus.AwaitingCountersign}'
                 WHEN EXISTS (SELECT 1 FROM consent_events c WHERE c.session_id = r.session_id AND c.type = '{EventTypes.IdentityVerified}') THEN '{SessionStatus.InProgress}'
                 ELSE '{SessionStatus.Invited}' END)
        """;

    /// <summary>The record's file as it stands: as issued, with every evidence version appended (RecordEvidenceStore).</summary>
    private const string FileColumns = "r.session_id, r.kind, r.issued_at, " + CurrentPdf;

    internal const string CurrentPdf =
        "r.pdf || COALESCE((SELECT string_agg(e.appended, ''::bytea ORDER BY e.version) FROM record_evidence e WHERE e.record_id = r.id), ''::bytea)";

    /// <summary>The SHA-256 of that file: the latest evidence version's, else the record's as issued.</summary>
    internal const string CurrentSha256 =
        "COALESCE((SELECT e.sha256 FROM record_evidence e WHERE e.record_id = r.id ORDER BY e.version DESC LIMIT 1), r.sha256)";

    /// <summary>
    /// The records in the filter's period whose session's chain names them, with the workflow of the
    /// chain's first event (the row's only for a session started before that event carried it).
    /// </summary>
    private static NpgsqlCommand Command(NpgsqlConnection connection, string columns, RecordExportFilter filter)
    {
        var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = $"""
            SELECT {columns}
            FROM consent_records r
            JOIN consent_sessions s ON s.id = r.session_id
            CROSS JOIN LATERAL (
                SELECT COALESCE(c.payload->>'workflowId', s.workflow_id) AS workflow_id,
                       COALESCE((c.payload->>'workflowVersion')::int, s.workflow_version) AS workflow_version,
                       c.payload->'{PayloadKeys.ReliesOn}'->>'{PayloadKeys.Sha256}' AS relies_sha,
                       c.payload->'{PayloadKeys.ReliesOn}'->>'sessionId' AS relies_session
                FROM consent_events c WHERE c.session_id = r.session_id AND c.type = '{EventTypes.SessionCreated}'
                ORDER BY c.seq LIMIT 1) w
            WHERE {Period(command, filter)} AND {Named}
            {(string.IsNullOrEmpty(filter.WorkflowId) ? "" : "AND w.workflow_id = @workflow")}
            ORDER BY r.issued_at, r.id
            """;
        if (!string.IsNullOrEmpty(filter.WorkflowId))
        {
            command.Parameters.Add(new NpgsqlParameter("workflow", NpgsqlDbType.Text) { Value = filter.WorkflowId });
        }

        return command;
    }

    /// <summary>A <c>RecordIssued</c> event of the record's session names its kind and SHA-256.</summary>
    private static readonly string Named = $"""
        EXISTS (SELECT 1 FROM consent_events e WHERE e.session_id = r.session_id AND e.type = '{EventTypes.RecordIssued}'
                AND e.payload->>'{PayloadKeys.Sha256}' = r.sha256 AND e.payload->>'{PayloadKeys.Kind}' = r.kind)
        """;

    private static string Period(NpgsqlCommand command, RecordExportFilter filter)
    {
        var clauses = new List<string> { "true" };
        if (filter.From is { } from)
        {
            clauses.Add("r.issued_at >= @from");
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from.UtcDateTime });
        }

        if (filter.To is { } to)
        {
            clauses.Add("r.issued_at < @to");
            command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.UtcDateTime });
        }

        return string.Join(" AND ", clauses);
    }

    /// <summary>Stored records of the period that no <c>RecordIssued</c> event names: each an AUDIT ALERT, none exported.</summary>
    private async Task<int> UnnamedAsync(NpgsqlConnection connection, RecordExportFilter filter, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = $"SELECT r.session_id, r.kind, r.sha256 FROM consent_records r WHERE {Period(command, filter)} AND NOT {Named} ORDER BY r.issued_at, r.id";
        await using var reader = await command.ExecuteReaderAsync(ct);
        var count = 0;
        while (await reader.ReadAsync(ct))
        {
            count++;
            logger.LogCritical("AUDIT ALERT: left a stored record out of an export: {Problem}.",
                ChainedRecords.Problem(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
        }

        return count;
    }

    private static string FilePath(Guid sessionId, string kind) => "records/" + RecordFiles.FileName(sessionId, kind);

    private static void WriteText(StreamingZipWriter zip, string name, string text, DateTimeOffset at)
    {
        using var stream = zip.OpenEntry(name, at, deflate: true);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private string Readme(RecordExportFilter filter, int count, int unnamed) => string.Join('\n',
        "Signed consent and dose-day check-in records exported " + Time(clock.GetUtcNow()),
        $"Records issued from {(filter.From is { } f ? Time(f) : "the beginning")} to {(filter.To is { } t ? Time(t) : "now")}"
            + (string.IsNullOrEmpty(filter.WorkflowId) ? "" : $", workflow {filter.WorkflowId}") + $": {count}.",
        reads.Freshness is { FromStandby: true, LagSeconds: > 0 } freshness
            ? $"Read from a standby copy of the database that may lack what was committed in the last {freshness.LagSeconds:0.0} s before the export began."
            : "Read as of the moment the export began: nothing committed before it is missing.",
        unnamed == 0
            ? "Every stored record of the period is named by its session's event chain."
            : $"Left out: {unnamed} stored record(s) of the period that no RecordIssued event of their session names. They were put in the"
                + " database outside the service; the service logged each as an AUDIT ALERT. Ask the operator to run the audit.",
        "",
        "manifest.csv   one line per record; sha256 is the SHA-256 of the file named in the file column; a check-in record",
        "               (kind Checkin) names in relies_on_sha256 the SHA-256 of the consent record it relied on",
        "records/       the signed PDFs (PAdES, /SubFilter /ETSI.CAdES.detached)",
        "certificate.pem  the service's signing certificate, then any earlier ones it still vouches for",
        "",
        "Check one file:   sha256sum records/FILE.pdf   (compare with manifest.csv)",
        "Check signatures: dotnet Consent.Web.dll verify-record records/FILE.pdf --certificate certificate.pem",
        "                  or pdfsig with certificate.pem trusted in an NSS database (see the project README).",
        "");

    private static string Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180 quoting when a value needs it; a leading formula character is defused for spreadsheets.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
