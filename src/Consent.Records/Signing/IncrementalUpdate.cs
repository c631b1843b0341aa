using System.Globalization;
using System.Text;

namespace Consent.Records.Signing;

/// <summary>
/// Appends one incremental update (ISO 32000-1, 7.5.6) to a PDF: new and redefined objects, a classic
/// cross-reference section for them, and a trailer whose /Prev points at the previous one. The earlier bytes are
/// never touched, so every earlier signature keeps covering exactly what it covered (PAdES adds validation data
/// and document time-stamps this way: ETSI EN 319 142-1, 5.4 and 5.5).
/// </summary>
sealed class IncrementalUpdate
{
    readonly PdfFile _file;
    readonly SortedDictionary<int, byte[]> _objects = [];
    int _next;

    public IncrementalUpdate(PdfFile file)
    {
        _file = file;
        _next = Math.Max(file.Last.Size, 1);
    }

    /// <summary>A fresh object number for a new object.</summary>
    public int Allocate() => _next++;

    /// <summary>Defines (or redefines) object <paramref name="number"/> with <paramref name="body"/> (a dictionary, array...).</summary>
    public void Set(int number, string body) => _objects[number] = Encoding.Latin1.GetBytes($"{number} 0 obj\n{body}\nendobj\n");

    /// <summary>Defines a stream object.</summary>
    public void SetStream(int number, RawDictionary dictionary, ReadOnlySpan<byte> data)
    {
        var head = Encoding.Latin1.GetBytes($"{number} 0 obj\n{dictionary.With("/Length", data.Length.ToString(CultureInfo.InvariantCulture)).Write()}\nstream\n");
        var tail = "\nendstream\nendobj\n"u8;
        var bytes = new byte[head.Length + data.Length + tail.Length];
        head.CopyTo(bytes, 0);
        data.CopyTo(bytes.AsSpan(head.Length));
        tail.CopyTo(bytes.AsSpan(head.Length + data.Length));
        _objects[number] = bytes;
    }

    /// <summary>The file with this update appended.</summary>
    public byte[] Apply()
    {
        var original = _file.Bytes;
        using var output = new MemoryStream(original.Length + 16 * 1024);
        output.Write(original);
        if (original.Length > 0 && original[^1] is not ((byte)'\n' or (byte)'\r'))
        {
            output.WriteByte((byte)'\n');
        }

        var offsets = new SortedDictionary<int, long>();
        foreach (var (number, bytes) in _objects)
        {
            offsets[number] = output.Position;
            output.Write(bytes);
        }

        var xref = output.Position;
        var table = new StringBuilder("xref\n");
        // One subsection per run of consecutive object numbers; each entry is exactly 20 bytes.
        var numbers = offsets.Keys.ToList();
        for (var i = 0; i < numbers.Count;)
        {
            var j = i;
            while (j + 1 < numbers.Count && numbers[j + 1] == numbers[j] + 1)
            {
                j++;
            }

            table.Append(CultureInfo.InvariantCulture, $"{numbers[i]} {j - i + 1}\n");
            for (var k = i; k <= j; k++)
            {
                table.Append(CultureInfo.InvariantCulture, $"{offsets[numbers[k]]:D10} 00000 n\r\n");
            }

            i = j + 1;
        }

        var last = _file.Last.Trailer;
        var trailer = new RawDictionary()
            .With("/Size", _next.ToString(CultureInfo.InvariantCulture))
            .With("/Root", last.Text("/Root") ?? throw new FormatException("The trailer names no catalog."))
            .With("/Prev", _file.Last.XrefOffset.ToString(CultureInfo.InvariantCulture));
        if (last.Text("/Info") is { } info)
        {
            trailer = trailer.With("/Info", info);
        }

        if (last.Text("/ID") is { } id)
        {
            trailer = trailer.With("/ID", id);
        }

        table.Append("trailer\n").Append(trailer.Write()).Append(CultureInfo.InvariantCulture, $"\nstartxref\n{xref}\n%%EOF\n");
        output.Write(Encoding.Latin1.GetBytes(table.ToString()));
        return output.ToArray();
    }
}
