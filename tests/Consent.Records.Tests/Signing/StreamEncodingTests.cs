using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Consent.Records.Tests.Document;
using Consent.Records.Tests.Infrastructure;

namespace Consent.Records.Tests.Signing;

/// <summary>
/// Records are saved once (no draft written and read back), and still every compressed stream is standard zlib: a valid
/// RFC 1950 header, deflate data, and the Adler-32 of the content as its trailer (RFC 1950 section 2.2; ISO 32000-1
/// section 7.4.4). PDFsharp's own encoder leaves the trailer out, so it must compress nothing; the font programs it makes
/// inside its save are made ahead of it and compressed by us. The streams are read raw by qpdf, not by our parser.
/// </summary>
public sealed class StreamEncodingTests
{
    public static TheoryData<string> Samples => ["en", "checkin", "paper-pdf", "paper-image", "unsigned"];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_flate_stream_is_zlib_with_its_adler32_and_every_font_program_is_compressed(string sample)
    {
        var streams = RawStreams(TaggedRecordTests.Sample(sample));
        var flate = streams.Where(s => Filter(s.Dictionary) == "/FlateDecode").ToList();
        Assert.NotEmpty(flate);
        foreach (var (reference, dictionary, data) in flate)
        {
            Assert.True(data.Length >= 6 && (data[0] & 0x0F) == 8 && ((data[0] << 8) | data[1]) % 31 == 0, $"{reference}: no zlib header");
            using var inflater = new DeflateStream(new MemoryStream(data, 2, data.Length - 2), CompressionMode.Decompress);
            using var content = new MemoryStream();
            inflater.CopyTo(content);
            Assert.True(BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(data.Length - 4)) == Adler32(content.ToArray()),
                $"{reference}: the zlib stream ends without the Adler-32 of its {content.Length} bytes");
        }

        var fonts = streams.Where(s => s.Dictionary.TryGetProperty("/Length1", out _)).ToList();
        Assert.NotEmpty(fonts);
        Assert.All(fonts, f => Assert.Equal("/FlateDecode", Filter(f.Dictionary)));
        Assert.All(streams.Where(s => Filter(s.Dictionary) is null), s => Assert.True(
            s.Dictionary.TryGetProperty("/Type", out var type) && type.GetString() == "/Metadata" || IsCMap(s.Data),
            $"{s.Reference} is stored uncompressed"));
    }

    [Fact]
    public void The_font_table_can_be_prepared_ahead_of_the_save_in_this_PDFsharp()
    {
        Assert.True(Consent.Records.Signing.FontPrograms.Available);
    }

    /// <summary>Every stream object of the file, its dictionary and its bytes exactly as stored (qpdf --decode-level=none).</summary>
    static List<(string Reference, JsonElement Dictionary, byte[] Data)> RawStreams(byte[] pdf)
    {
        var result = ExternalTool.Run("qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline", "--decode-level=none", ExternalTool.TempFile(pdf));
        Assert.True(result.ExitCode == 0, result.All);
        using var json = JsonDocument.Parse(result.Output);
        var objects = json.RootElement.GetProperty("qpdf")[1];
        var streams = new List<(string, JsonElement, byte[])>();
        foreach (var item in objects.EnumerateObject())
        {
            if (item.Value.TryGetProperty("stream", out var stream) && stream.TryGetProperty("data", out var data))
            {
                streams.Add((item.Name, stream.GetProperty("dict").Clone(), data.GetBytesFromBase64()));
            }
        }

        return streams;
    }

    static string? Filter(JsonElement dictionary) =>
        dictionary.TryGetProperty("/Filter", out var filter) ? filter.ValueKind == JsonValueKind.Array ? filter[0].GetString() : filter.GetString() : null;

    /// <summary>
    /// A ToUnicode CMap: PDFsharp writes these afresh inside its save, so they are stored plain (a few KB) rather than
    /// compressed by its encoder.
    /// </summary>
    static bool IsCMap(byte[] data) => System.Text.Encoding.ASCII.GetString(data).StartsWith("/CIDInit /ProcSet findresource begin", StringComparison.Ordinal);

    static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (var x in data)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }

        return (b << 16) | a;
    }
}
