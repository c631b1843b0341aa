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

            var filter = dictionary.Elements["/Filter"];
            if (filter is null)
            {
                stream.Value = ZLib(stream.Value);
                dictionary.Elements["/Filter"] = new PdfName("/FlateDecode");
            }
            else if (filter is PdfName { Value: "/FlateDecode" } && !HasAdler32(stream.Value, out var inflated))
            {
                stream.Value = ZLib(inflated);
            }
        }
    }

    /// <summary>Opens a PDF, normalizes its streams and ids and saves it again, modified at <paramref name="modified"/>.</summary>
    public static byte[] Normalize(ReadOnlyMemory<byte> pdf, DateTimeOffset modified, byte[] seed)
    {
        using var input = ReadOnly(pdf);
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(input, PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        ReproducibleOutput.Prepare(document);
        Compress(document);
        var output = ScratchStreams.Output();
        document.Save(output, closeStream: false);
        var bytes = output.ToArray();
        ReproducibleOutput.Apply(bytes, seed, modified);
        return bytes;
    }

    /// <summary>A read-only stream over the bytes, without copying them when they are an array's.</summary>
    internal static MemoryStream ReadOnly(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    static byte[] ZLib(byte[] data)
    {
        var output = ScratchStreams.Deflate();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
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
