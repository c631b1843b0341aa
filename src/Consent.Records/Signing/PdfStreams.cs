using System.Buffers.Binary;
using System.IO.Compression;
using PdfSharp.Pdf;

namespace Consent.Records.Signing;

/// <summary>
/// Gives every stream of a document standard zlib (RFC 1950) compression, Adler-32 trailer
/// included: unfiltered streams are compressed, and Flate streams whose trailer is missing (as
/// PDFsharp 6.2.4 writes them) are re-encoded.
/// </summary>
static class PdfStreams
{
    public static void Compress(PdfDocument document)
    {
        // A form XObject made from an imported page (a paper scan's) shares the page content's stream object, and
        // /Length follows a stream's value only on the dictionary that created it: each stream is compressed once, and
        // every dictionary holding it is given its filter and length.
        var done = new Dictionary<PdfDictionary.PdfStream, bool>(ReferenceEqualityComparer.Instance);
        foreach (var item in document.Internals.GetAllObjects())
        {
            if (item is not PdfDictionary { Stream: { } stream } dictionary)
            {
                continue;
            }

            // XMP metadata stays plain text, as PDF/A asks, so that any tool can read it.
            if (dictionary.Elements["/Type"] is PdfName { Value: "/Metadata" })
            {
                continue;
            }

            if (done.TryGetValue(stream, out var filtered))
            {
                if (filtered)
                {
                    dictionary.Elements["/Filter"] = new PdfName("/FlateDecode");
                }

                dictionary.Elements.SetInteger("/Length", stream.Value.Length);
                continue;
            }

            var filter = dictionary.Elements["/Filter"];
            if (filter is null)
            {
                stream.Value = ZLib(stream.Value);
                dictionary.Elements["/Filter"] = new PdfName("/FlateDecode");
                filtered = true;
            }
            else if (filter is PdfName { Value: "/FlateDecode" } && !HasAdler32(stream.Value, out var inflated))
            {
                stream.Value = ZLib(inflated);
            }

            dictionary.Elements.SetInteger("/Length", stream.Value.Length);
            done[stream] = filtered;
        }
    }

    /// <summary>
    /// Saves a freshly rendered document once, unsigned: font programs made, every stream standard zlib, ids derived from
    /// <paramref name="seed"/>, modified at <paramref name="modified"/>.
    /// </summary>
    public static byte[] Finish(PdfDocument document, DateTimeOffset modified, byte[] seed)
    {
        PrepareForSingleSave(document);
        var output = ScratchStreams.Output();
        document.Save(output, closeStream: false);
        var bytes = output.ToArray();
        ReproducibleOutput.Apply(bytes, seed, modified);
        return bytes;
    }

    /// <summary>
    /// Readies a document rendered in this process for its one save: the font programs are made now (PDFsharp would
    /// make them inside Save and compress them itself), subset tags are derived from them, and every stream is given
    /// standard zlib, so the save writes the final bytes with no draft written and read back.
    /// </summary>
    internal static void PrepareForSingleSave(PdfDocument document)
    {
        // PDFsharp's own Flate output lacks the zlib Adler-32 trailer: it must compress nothing.
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        FontPrograms.Prepare(document);
        ReproducibleOutput.Prepare(document);
        Compress(document);
    }

    /// <summary>A read-only stream over the bytes, without copying them when they are an array's.</summary>
    internal static MemoryStream ReadOnly(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    /// <summary>
    /// The zlib level records are compressed at. Measured on a 7-page record (docs/PERFORMANCE.md, section 11), with .NET's
    /// zlib-ng: level 6 (CompressionLevel.Optimal) took 2.2 ms for 137.5 KB, level 3 took 1.65 ms for 140.4 KB (2 % larger),
    /// level 1 took 0.66 ms for 161.7 KB (18 % larger). Level 3 keeps the file within a few per cent of the smallest.
    /// </summary>
    const int Level = 3;

    static byte[] ZLib(byte[] data)
    {
        var output = ScratchStreams.Deflate();
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>True when the zlib data ends in the Adler-32 of its content; the content is returned either way.</summary>
    static bool HasAdler32(byte[] data, out byte[] inflated)
    {
        using var input = new MemoryStream(data, 2, Math.Max(0, data.Length - 2), writable: false);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        deflate.CopyTo(output);
        inflated = output.ToArray();
        return data.Length >= 6 && BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(data.Length - 4)) == Adler32(inflated);
    }

    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        const uint Mod = 65521;
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % Mod;
            b = (b + a) % Mod;
        }

        return (b << 16) | a;
    }
}
