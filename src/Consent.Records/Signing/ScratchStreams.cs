namespace Consent.Records.Signing;

/// <summary>
/// Reusable in-memory buffers for the intermediate files of one render on one thread. A record's
/// signed output is a few hundred KB: fresh MemoryStreams of that size land on
/// the large object heap and cost a full garbage collection every few records
/// (docs/PERFORMANCE.md, P8). The buffers are per thread and are never handed out beyond one render.
/// </summary>
static class ScratchStreams
{
    const int InitialCapacity = 512 * 1024;

    /// <summary>Streams grown beyond this are dropped after use rather than kept.</summary>
    const int KeepAtMost = 8 * 1024 * 1024;

    [ThreadStatic]
    static MemoryStream? t_output;

    [ThreadStatic]
    static MemoryStream? t_deflate;

    /// <summary>The buffer for a final file, before it is copied out.</summary>
    public static MemoryStream Output() => Reset(ref t_output);

    /// <summary>The buffer for one compressed stream, before it is copied out.</summary>
    public static MemoryStream Deflate() => Reset(ref t_deflate);

    static MemoryStream Reset(ref MemoryStream? slot)
    {
        if (slot is null || slot.Capacity > KeepAtMost)
        {
            slot = new MemoryStream(InitialCapacity);
        }

        slot.SetLength(0);
        return slot;
    }
}
