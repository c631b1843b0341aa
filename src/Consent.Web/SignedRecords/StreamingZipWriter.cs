using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text;

namespace Consent.Web.SignedRecords;

/// <summary>
/// Writes a ZIP archive front to back into a stream that cannot seek, keeping of each entry only its central directory
/// record (about 100 bytes, in 64 KiB chunks, no object per entry), so an export of millions of records does not grow
/// the heap by an object graph per record as <see cref="ZipArchive"/> does (about 470 bytes and several objects per
/// entry, held until the archive is disposed: docs/PERFORMANCE.md, "Bulk export").
/// </summary>
/// <remarks>
/// <para>
/// The layout is PKWARE's APPNOTE.TXT (version 6.3.10): each entry is a local file header (4.3.7) with general purpose
/// bit 3 set, so its CRC-32 and sizes follow the data in a data descriptor (4.3.9); then the central directory (4.3.12)
/// and the end of central directory record (4.3.16). When an offset, the entry count or the directory's size does not
/// fit the classic fields, the archive is ZIP64 (4.3.14, 4.3.15, 4.5.3): the central record of an entry past 4 GiB
/// carries its offset in the Zip64 extended information field, and a Zip64 end of central directory record and its
/// locator precede the classic end record, whose fields then hold 0xFFFF / 0xFFFFFFFF.
/// </para>
/// <para>
/// One entry may hold at most 4 GiB - 1 (a stored record is at most 1 GB, PostgreSQL's bytea limit); a larger one
/// is refused before its descriptor is written. Entries are stored (the PDFs are compressed already) or deflated
/// (<c>manifest.csv</c>, the README).
/// </para>
/// </remarks>
internal sealed class StreamingZipWriter(Stream output, long zip64Threshold = uint.MaxValue)
{
    private const ushort VersionClassic = 20;
    private const ushort VersionZip64 = 45;
    private const ushort DataDescriptorFlag = 1 << 3;
    private const ushort Utf8NameFlag = 1 << 11;

    private readonly ChunkedBytes central = new();
    private long position;
    private long entries;
    private bool entryOpen;
    private bool finished;

    /// <summary>Bytes written so far.</summary>
    public long Position => position;

    /// <summary>Starts an entry; write its content to the stream answered, then dispose it before the next entry.</summary>
    public Stream OpenEntry(string name, DateTimeOffset modified, bool deflate)
    {
        if (entryOpen || finished)
        {
            throw new InvalidOperationException(finished ? "The archive is finished." : "The previous entry is still open.");
        }

        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length is 0 or > ushort.MaxValue)
        {
            throw new ArgumentException("An entry name is 1 to 65,535 bytes.", nameof(name));
        }

        var flags = (ushort)(DataDescriptorFlag | (Ascii.IsValid(nameBytes) ? 0 : Utf8NameFlag));
        var method = (ushort)(deflate ? 8 : 0);
        var (time, date) = DosTime(modified);
        var offset = position;

        Span<byte> header = stackalloc byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], VersionClassic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], flags);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], method);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], time);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], date);
        // CRC-32 and both sizes are zero here: bit 3 puts them in the data descriptor (APPNOTE 4.4.4).
        header[14..26].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 0);
        Write(header);
        Write(nameBytes);

        entryOpen = true;
        return new EntryStream(this, nameBytes, flags, method, time, date, offset, deflate);
    }

    /// <summary>Writes the central directory and the end records. The stream is left open.</summary>
    public void Finish()
    {
        if (entryOpen)
        {
            throw new InvalidOperationException("The last entry is still open.");
        }

        if (finished)
        {
            return;
        }

        finished = true;
        var directoryStart = position;
        central.CopyTo(output);
        position += central.Length;
        var directorySize = central.Length;
        central.Clear();

        if (entries >= ushort.MaxValue || directoryStart >= zip64Threshold || directorySize >= zip64Threshold)
        {
            var zip64End = position;
            Span<byte> record = stackalloc byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064b50);
            BinaryPrimitives.WriteUInt64LittleEndian(record[4..], 44); // the size of what follows this field (APPNOTE 4.3.14.1)
            BinaryPrimitives.WriteUInt16LittleEndian(record[12..], VersionZip64);
            BinaryPrimitives.WriteUInt16LittleEndian(record[14..], VersionZip64);
            BinaryPrimitives.WriteUInt32LittleEndian(record[16..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(record[20..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(record[24..], (ulong)entries);
            BinaryPrimitives.WriteUInt64LittleEndian(record[32..], (ulong)entries);
            BinaryPrimitives.WriteUInt64LittleEndian(record[40..], (ulong)directorySize);
            BinaryPrimitives.WriteUInt64LittleEndian(record[48..], (ulong)directoryStart);
            Write(record);

            Span<byte> locator = stackalloc byte[20];
            BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[4..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(locator[8..], (ulong)zip64End);
            BinaryPrimitives.WriteUInt32LittleEndian(locator[16..], 1);
            Write(locator);
        }

        Span<byte> end = stackalloc byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        var count = (ushort)Math.Min(entries, ushort.MaxValue);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], Classic(directorySize));
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], Classic(directoryStart));
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0);
        Write(end);
    }

    private uint Classic(long value) => value >= zip64Threshold ? uint.MaxValue : (uint)value;

    private void Write(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        position += bytes.Length;
    }

    private void Close(EntryStream entry, uint crc, long compressed, long uncompressed)
    {
        entryOpen = false;
        if (compressed > uint.MaxValue - 1 || uncompressed > uint.MaxValue - 1)
        {
            throw new InvalidOperationException($"An entry of {uncompressed} bytes is larger than this writer takes (4 GiB - 1).");
        }

        Span<byte> descriptor = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor, 0x08074b50);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[4..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[8..], (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(descriptor[12..], (uint)uncompressed);
        Write(descriptor);

        var zip64 = entry.Offset >= zip64Threshold;
        Span<byte> record = stackalloc byte[46];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 0x02014b50);
        // Version made by: Unix (3) attributes, 4.5. With MS-DOS (0) Info-ZIP's unzip reads the local header's name through
        // the OEM code page and reports a UTF-8 name as mismatching.
        BinaryPrimitives.WriteUInt16LittleEndian(record[4..], (3 << 8) | VersionZip64);
        BinaryPrimitives.WriteUInt16LittleEndian(record[6..], zip64 ? VersionZip64 : VersionClassic);
        BinaryPrimitives.WriteUInt16LittleEndian(record[8..], entry.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(record[10..], entry.Method);
        BinaryPrimitives.WriteUInt16LittleEndian(record[12..], entry.Time);
        BinaryPrimitives.WriteUInt16LittleEndian(record[14..], entry.Date);
        BinaryPrimitives.WriteUInt32LittleEndian(record[16..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(record[20..], (uint)compressed);
        BinaryPrimitives.WriteUInt32LittleEndian(record[24..], (uint)uncompressed);
        BinaryPrimitives.WriteUInt16LittleEndian(record[28..], (ushort)entry.Name.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(record[30..], (ushort)(zip64 ? 12 : 0));
        record[32..38].Clear(); // comment length, disk number start, internal attributes
        BinaryPrimitives.WriteUInt32LittleEndian(record[38..], 0x81A4u << 16); // external: a regular file, rw-r--r-- (0100644)
        BinaryPrimitives.WriteUInt32LittleEndian(record[42..], zip64 ? uint.MaxValue : (uint)entry.Offset);
        central.Write(record);
        central.Write(entry.Name);
        if (zip64)
        {
            // Zip64 extended information (APPNOTE 4.5.3): only the field that overflowed, the local header's offset.
            Span<byte> extra = stackalloc byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
            BinaryPrimitives.WriteUInt16LittleEndian(extra[2..], 8);
            BinaryPrimitives.WriteUInt64LittleEndian(extra[4..], (ulong)entry.Offset);
            central.Write(extra);
        }

        entries++;
    }

    /// <summary>MS-DOS date and time (APPNOTE 4.4.6), of the UTC time, 1980-01-01 at the earliest.</summary>
    private static (ushort Time, ushort Date) DosTime(DateTimeOffset at)
    {
        var t = at.UtcDateTime;
        if (t.Year < 1980)
        {
            t = new DateTime(1980, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        }
        else if (t.Year > 2107)
        {
            t = new DateTime(2107, 12, 31, 23, 59, 58, DateTimeKind.Utc);
        }

        return ((ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2)), (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day));
    }

    /// <summary>An entry's content: counted and CRC-checked as written, deflated on the way when asked.</summary>
    private sealed class EntryStream : Stream
    {
        private readonly StreamingZipWriter writer;
        private readonly Crc32 crc = new();
        private readonly DeflateStream? deflate;
        private readonly CountingStream counted;
        private long uncompressed;
        private bool closed;

        public EntryStream(StreamingZipWriter writer, byte[] name, ushort flags, ushort method, ushort time, ushort date, long offset, bool deflate)
        {
            this.writer = writer;
            (Name, Flags, Method, Time, Date, Offset) = (name, flags, method, time, date, offset);
            counted = new CountingStream(writer);
            this.deflate = deflate ? new DeflateStream(counted, CompressionLevel.Optimal, leaveOpen: true) : null;
        }

        public byte[] Name { get; }

        public ushort Flags { get; }

        public ushort Method { get; }

        public ushort Time { get; }

        public ushort Date { get; }

        public long Offset { get; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => !closed;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => uncompressed;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(closed, this);
            crc.Append(buffer);
            uncompressed += buffer.Length;
            if (deflate is not null)
            {
                deflate.Write(buffer);
            }
            else
            {
                counted.Write(buffer);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !closed)
            {
                closed = true;
                deflate?.Dispose(); // writes the last deflate block
                if (deflate is not null && counted.Count == 0)
                {
                    // Nothing was written, and DeflateStream then writes nothing: an empty final block (RFC 1951 3.2.3,
                    // BFINAL 1, fixed Huffman, end of block), which readers need to inflate an empty entry.
                    counted.Write([0x03, 0x00]);
                }

                writer.Close(this, crc.GetCurrentHashAsUInt32(), counted.Count, uncompressed);
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Passes bytes to the archive, counting them: an entry's compressed size.</summary>
    private sealed class CountingStream(StreamingZipWriter writer) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Count;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            writer.Write(buffer);
            Count += buffer.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Bytes appended in 64 KiB arrays: no large-object-heap array that doubles as it grows.</summary>
    private sealed class ChunkedBytes
    {
        private const int ChunkSize = 64 * 1024;
        private readonly List<byte[]> chunks = [];
        private int used = ChunkSize;

        public long Length { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                if (used == ChunkSize)
                {
                    chunks.Add(new byte[ChunkSize]);
                    used = 0;
                }

                var n = Math.Min(bytes.Length, ChunkSize - used);
                bytes[..n].CopyTo(chunks[^1].AsSpan(used));
                used += n;
                bytes = bytes[n..];
                Length += n;
            }
        }

        public void CopyTo(Stream destination)
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                destination.Write(chunks[i], 0, i == chunks.Count - 1 ? used : ChunkSize);
            }
        }

        public void Clear()
        {
            chunks.Clear();
            used = ChunkSize;
            Length = 0;
        }
    }
}
