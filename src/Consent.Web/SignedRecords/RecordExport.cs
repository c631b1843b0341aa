using System.Data;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Consent.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.SignedRecords;

/// <summary>Which records an export holds: issued in [<see cref="From"/>, <see cref="To"/>), of one workflow if given.</summary>
public sealed record RecordExportFilter(DateTimeOffset? From, DateTimeOffset? To, string? WorkflowId);

/// <summary>
/// Writes the auditors' ZIP of signed records straight to a stream: <c>manifest.csv</c> first, then
/// every PDF under <c>records/</c>, then the service certificate and a short README.
/// </summary>
/// <remarks>
/// Memory stays flat however many records there are: rows are read from PostgreSQL one at a time
/// (the PDF bytes of one record at most) and each entry is written to the response as it is read.
/// Both passes (manifest, then PDFs) run in one repeatable-read transaction, so the manifest lists
/// exactly the files that follow even while new records are being issued.
/// </remarks>
public sealed class RecordExport(ConsentDbContext db, RecordSigning signing, TimeProvider clock)
{
    public const string ManifestHeader = "session_id,workflow_id,workflow_version,session_status,kind,completed_at,issued_at,sha256,file";

    /// <summary>The number of records written.</summary>
    public async Task<int> WriteAsync(Stream output, RecordExportFilter filter, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var sink = new ZipResponseBuffer(output);
        var count = 0;
        using (var zip = new ZipArchive(sink, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var manifest = new StreamWriter(zip.CreateEntry("manifest.csv", CompressionLevel.Optimal).Open(), new UTF8Encoding(false)))
            {
                manifest.Write(ManifestHeader + "\n");
                await foreach (var row in Rows(filter).AsAsyncEnumerable().WithCancellation(ct))
                {
                    manifest.Write(string.Join(',',
                        row.SessionId.ToString("D"), Csv(row.WorkflowId), row.WorkflowVersion.ToString(CultureInfo.InvariantCulture), Csv(row.Status),
                        Csv(row.Kind), Time(row.CompletedAt), Time(row.IssuedAt), row.Sha256, Csv(FilePath(row.SessionId, row.Kind))) + "\n");
                    count++;
                    await sink.DrainAsync(all: false, ct);
                }
            }

            var files = Records(filter).OrderBy(r => r.IssuedAt).ThenBy(r => r.Id).Select(r => new { r.SessionId, r.Kind, r.IssuedAt, r.Pdf });
            await foreach (var file in files.AsAsyncEnumerable().WithCancellation(ct))
            {
                var entry = zip.CreateEntry(FilePath(file.SessionId, file.Kind), CompressionLevel.NoCompression); // PDFs are compressed already
                entry.LastWriteTime = file.IssuedAt;
                using (var stream = entry.Open())
                {
                    stream.Write(file.Pdf);
                }

                await sink.DrainAsync(all: true, ct);
            }

            WriteText(zip, "certificate.pem", signing.PublicPem + signing.PreviousPem);
            WriteText(zip, "README.txt", Readme(filter, count));
        }

        await sink.DrainAsync(all: true, ct);
        await transaction.CommitAsync(ct);
        return count;
    }

    private IQueryable<ExportRow> Rows(RecordExportFilter filter) =>
        from r in Records(filter)
        join s in db.Sessions.AsNoTracking() on r.SessionId equals s.Id
        orderby r.IssuedAt, r.Id
        select new ExportRow(r.SessionId, s.WorkflowId, s.WorkflowVersion, s.Status, r.Kind, s.CompletedAt, r.IssuedAt, r.Sha256);

    private IQueryable<Data.Entities.StoredRecord> Records(RecordExportFilter filter)
    {
        var query = db.Records.AsNoTracking();
        if (filter.From is { } from)
        {
            query = query.Where(r => r.IssuedAt >= from);
        }

        if (filter.To is { } to)
        {
            query = query.Where(r => r.IssuedAt < to);
        }

        if (!string.IsNullOrEmpty(filter.WorkflowId))
        {
            query = query.Where(r => db.Sessions.Any(s => s.Id == r.SessionId && s.WorkflowId == filter.WorkflowId));
        }

        return query;
    }

    private static string FilePath(Guid sessionId, string kind) => "records/" + RecordFiles.FileName(sessionId, kind);

    private static void WriteText(ZipArchive zip, string name, string text)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private string Readme(RecordExportFilter filter, int count) => string.Join('\n',
        "Signed consent records exported " + Time(clock.GetUtcNow()),
        $"Records issued from {(filter.From is { } f ? Time(f) : "the beginning")} to {(filter.To is { } t ? Time(t) : "now")}"
            + (string.IsNullOrEmpty(filter.WorkflowId) ? "" : $", workflow {filter.WorkflowId}") + $": {count}.",
        "",
        "manifest.csv   one line per record; sha256 is the SHA-256 of the file named in the last column",
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

    private sealed record ExportRow(
        Guid SessionId, string WorkflowId, int WorkflowVersion, string Status, string Kind, DateTimeOffset? CompletedAt, DateTimeOffset IssuedAt, string Sha256);
}
