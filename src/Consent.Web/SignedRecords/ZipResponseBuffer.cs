namespace Consent.Web.SignedRecords;

/// <summary>
/// Collects what <see cref="StreamingZipWriter"/> writes and passes it on to the response
/// asynchronously, one entry (or 64 KiB) at a time.
/// </summary>
/// <remarks>
/// The writer finishes entries with synchronous writes (a deflated entry's last block is written as its stream
/// is disposed), and ASP.NET Core rightly refuses synchronous I/O on a response. Buffering
/// between drains keeps memory to about one record however large the export.
/// </remarks>
internal sealed class ZipResponseBuffer(Stream destination) : Stream
{
    private const int DrainThreshold = 64 * 1024;
    private readonly MemoryStream pending = new();
    private long sent;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => sent + pending.Length;
        set => throw new NotSupportedException();
    }

    /// <summary>Sends what has collected to the response (all of it, or only once it reaches 64 KiB).</summary>
    public async Task DrainAsync(bool all, CancellationToken ct)
    {
        if (pending.Length == 0 || (!all && pending.Length < DrainThreshold))
        {
            return;
        }

        await destination.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), ct);
        sent += pending.Length;
        pending.SetLength(0);
    }

    public override void Write(byte[] buffer, int offset, int count) => pending.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => pending.Write(buffer);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        pending.Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        pending.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Nothing to do synchronously: <see cref="DrainAsync"/> sends the bytes.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => DrainAsync(all: true, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
