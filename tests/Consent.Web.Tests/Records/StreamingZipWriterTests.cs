using System.IO.Compression;
using System.Text;
using Consent.Records.Tests.Infrastructure;
using Consent.Web.SignedRecords;

namespace Consent.Web.Tests.Records;

/// <summary>
/// The export's ZIP writer, read back by three readers we did not write: .NET's ZipArchive, Info-ZIP's <c>unzip -t</c>
/// (CRC-32 of every entry) and Python's <c>zipfile</c>; ZIP64 forced by a low threshold and by more than 65,535 entries;
/// and what it keeps per entry.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class StreamingZipWriterTests
{
    private static readonly DateTimeOffset At = new(2031, 5, 6, 7, 8, 10, TimeSpan.Zero);

    [Theory]
    [InlineData(uint.MaxValue)] // classic
    [InlineData(0L)] // every offset and the directory written the ZIP64 way
    public void StoredAndDeflatedEntries_ReadBackByThreeReaders(long threshold)
    {
        var pdf = new byte[70_000];
        Random.Shared.NextBytes(pdf);
        var text = string.Concat(Enumerable.Repeat("session,workflow,sha256\n", 2000));
        var path = Write(threshold, zip =>
        {
            using (var manifest = new StreamWriter(zip.OpenEntry("manifest.csv", At, deflate: true), new UTF8Encoding(false)))
            {
                manifest.Write(text);
            }

            using (var record = zip.OpenEntry("records/a-consent.pdf", At, deflate: false))
            {
                record.Write(pdf);
            }

            using (zip.OpenEntry("empty.txt", At, deflate: true))
            {
            }

            using var readme = zip.OpenEntry("LÉAME.txt", At, deflate: true);
            readme.Write("¿Qué?"u8);
        });

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(["manifest.csv", "records/a-consent.pdf", "empty.txt", "LÉAME.txt"], zip.Entries.Select(e => e.FullName));
            Assert.Equal(text, new StreamReader(zip.GetEntry("manifest.csv")!.Open()).ReadToEnd());
            using var stored = new MemoryStream();
            zip.GetEntry("records/a-consent.pdf")!.Open().CopyTo(stored);
            Assert.Equal(pdf, stored.ToArray());
            Assert.Equal(pdf.Length, zip.GetEntry("records/a-consent.pdf")!.CompressedLength); // stored, not deflated
            Assert.Equal(At.UtcDateTime, zip.GetEntry("manifest.csv")!.LastWriteTime.DateTime);
            Assert.Equal("¿Qué?", new StreamReader(zip.GetEntry("LÉAME.txt")!.Open()).ReadToEnd());
        }

        var unzip = ExternalTool.Run("unzip", "-t", path);
        Assert.True(unzip.ExitCode == 0 && unzip.Output.Contains("No errors detected", StringComparison.Ordinal), unzip.All);
        var python = ExternalTool.Run("python3", "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.infolist()), z.infolist()[1].header_offset)", path);
        Assert.True(python.ExitCode == 0, python.All);
        Assert.StartsWith("4 ", python.Output, StringComparison.Ordinal);
        var bytes = File.ReadAllBytes(path);
        // The ZIP64 end of central directory record (PK\x06\x06) is there exactly when the threshold asks for it.
        Assert.Equal(threshold == 0, bytes.AsSpan().IndexOf("PK\u0006\u0006"u8) >= 0);
    }

    [Fact]
    public void MoreThan65535Entries_AreAllThere()
    {
        const int Entries = 70_000;
        var path = Write(uint.MaxValue, zip =>
        {
            for (var i = 0; i < Entries; i++)
            {
                using var entry = zip.OpenEntry($"records/{i:D6}.pdf", At, deflate: false);
                entry.Write("%PDF-1.7\n"u8);
            }
        });

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(Entries, zip.Entries.Count);
            Assert.Equal("records/069999.pdf", zip.Entries[^1].FullName);
        }

        var python = ExternalTool.Run("python3", "-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.infolist()))", path);
        Assert.Equal($"{Entries}", python.Output.Trim());
    }

    [Fact]
    public void AnEntryKeepsOnlyItsDirectoryRecord_NotAnObjectGraph()
    {
        const int Entries = 100_000;
        var zip = new StreamingZipWriter(Stream.Null);
        var content = new byte[1024];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Entries; i++)
        {
            using var entry = zip.OpenEntry($"records/{Guid.NewGuid():D}-consent.pdf", At, deflate: false);
            entry.Write(content);
        }

        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(zip);
        // About 100 bytes of directory record per entry; System.IO.Compression.ZipArchive keeps about 470 bytes in objects.
        Assert.True(held < Entries * 150L, $"{held / Entries} bytes held per entry");
        zip.Finish();
    }

    [Fact]
    public void MisuseIsRefused()
    {
        var zip = new StreamingZipWriter(Stream.Null);
        var open = zip.OpenEntry("a.txt", At, deflate: true);
        Assert.Throws<InvalidOperationException>(() => zip.OpenEntry("b.txt", At, deflate: true));
        Assert.Throws<InvalidOperationException>(zip.Finish);
        open.Dispose();
        Assert.Throws<ArgumentException>(() => zip.OpenEntry("", At, deflate: true));
        zip.Finish();
        Assert.Throws<InvalidOperationException>(() => zip.OpenEntry("c.txt", At, deflate: true));
    }

    private static string Write(long threshold, Action<StreamingZipWriter> entries)
    {
        var path = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N") + ".zip");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        var zip = new StreamingZipWriter(file, threshold);
        entries(zip);
        zip.Finish();
        return path;
    }
}
