using System.Diagnostics;
using System.Net;
using Consent.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Consent.Web.Tests.Records;

/// <summary>Runs alone, so its memory measurement is not disturbed by other tests.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>An export of 10,000 records streams through in constant memory and holds every one of them.</summary>
[Collection(nameof(RunsAlone))]
public sealed class LargeExportTests(RecordsWebFactory factory, ITestOutputHelper output) : IClassFixture<RecordsWebFactory>
{
    private const int Records = 10_000;
    private const int PdfBytes = 16 * 1024;

    [Fact]
    public async Task TenThousandRecords_StreamWithoutBuffering_AndTheManifestMatchesEveryFile()
    {
        // No periodic audit in this host (ConsentWebFactory turns it off): one over 10,000 records, 20 s after start, would land inside the measurement.
        Assert.Equal(0, factory.Services.GetRequiredService<IConfiguration>().GetValue("Audit:IntervalMinutes", 15.0));
        await InsertSyntheticRecordsAsync();
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                await Task.Delay(5);
            }
        });

        var clock = Stopwatch.StartNew();
        var path = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N") + ".zip");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        long length;
        using (var response = await auditor.GetAsync("/api/v1/exports/records.zip?from=2030-01-01T00:00:00Z", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Content.Headers.ContentLength); // streamed, not assembled first
            await using var file = File.Create(path);
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(file);
            length = file.Length;
        }

        var elapsed = clock.Elapsed;
        await sampling.CancelAsync();
        await sampler;
        var growth = peak - baseline;
        output.WriteLine($"{Records} records, {length / (1024 * 1024)} MiB ZIP in {elapsed.TotalSeconds:F1} s; managed heap grew by at most {growth / (1024 * 1024)} MiB");

        Assert.True(length > (long)Records * PdfBytes);
        Assert.True(growth < 64L * 1024 * 1024, $"The managed heap grew by {growth / (1024 * 1024)} MiB while exporting {length / (1024 * 1024)} MiB.");
        using var zip = new System.IO.Compression.ZipArchive(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.DeleteOnClose));
        Assert.Equal(Records + 3, zip.Entries.Count);
        var manifest = RecordExportTests.Manifest(zip);
        Assert.Equal(Records, manifest.Count);
        Assert.Equal(Records, manifest.Select(l => l["file"]).Distinct().Count());
        foreach (var line in manifest)
        {
            Assert.Equal(line["sha256"], RecordSessions.Sha256(RecordExportTests.Bytes(zip, line["file"])));
        }
    }

    /// <summary>
    /// 10,000 completed sessions with a 16 KiB stand-in PDF each, issued a second apart from 2030-01-01, and the
    /// two events the export reads of each chain: the first (its workflow) and the <c>RecordIssued</c> that names the PDF.
    /// </summary>
    /// <summary>
    /// An export the client stops reading partway has sent records all the same: it is on the system audit trail, as
    /// <c>records.exported</c> with <c>completed: false</c> (an outside review found such an export unrecorded).
    /// </summary>
    [Fact]
    public async Task AnExportCutOffPartway_IsRecorded_AsNotCompleted()
    {
        await InsertSyntheticRecordsAsync();
        using var auditor = await factory.ClientForAsync(Staff.Auditor);
        using (var response = await auditor.GetAsync("/api/v1/exports/records.zip?from=2030-01-01T00:00:00Z", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256 * 1024];
            var read = 0;
            while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read)) is var n and > 0)
            {
                read += n;
            }

            Assert.Equal(buffer.Length, read);
        }

        await Consent.Web.Tests.Audit.SystemEventRows.WaitForAsync(factory,
            "type = 'records.exported' AND detail->>'completed' = 'false' AND detail->>'from' LIKE @e", "2030-01-01T00:00:00%", 1);
    }

    private static readonly SemaphoreSlim Inserting = new(1, 1);
    private static bool inserted;

    /// <summary>The synthetic records, once for the class's tests (they share the database).</summary>
    private async Task InsertSyntheticRecordsAsync()
    {
        await Inserting.WaitAsync();
        try
        {
            if (!inserted)
            {
                await InsertOnceAsync();
                inserted = true;
            }
        }
        finally
        {
            Inserting.Release();
        }
    }

    private async Task InsertOnceAsync()
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var insert = new NpgsqlCommand($"""
            {SyntheticPatient.Ensure}
            INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, patient_id)
            SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'ketamine-iv-depression', 1, repeat('a', 64), 'en',
                'Completed', 'Export Patient ' || i, date '1970-01-01', lpad(to_hex(i), 64, '0'), now(), gen_random_uuid(),
                now(), now(), now(), 0, repeat('0', 64), '{SyntheticPatient.Id}'
            FROM generate_series(1, {Records}) AS i;
            INSERT INTO consent_records (id, session_id, kind, pdf, sha256, issued_at)
            SELECT gen_random_uuid(), id, 'Consent', pdf, encode(sha256(pdf), 'hex'), timestamptz '2030-01-01' + n * interval '1 second'
            FROM (SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid AS id, i AS n,
                         convert_to('%PDF-1.7 synthetic record ' || i || E'\n', 'UTF8') || decode(repeat(md5(i::text), {PdfBytes / 16}), 'hex') AS pdf
                  FROM generate_series(1, {Records}) AS i) AS synthetic;
            {SyntheticChains.EventsFor("r.issued_at >= timestamptz '2030-01-01'")}
            """, db);
        insert.CommandTimeout = 300;
        await insert.ExecuteNonQueryAsync();
    }
}
