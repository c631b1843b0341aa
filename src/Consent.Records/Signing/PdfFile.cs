using System.Globalization;
using System.Text;

namespace Consent.Records.Signing;

/// <summary>
/// Just enough PDF reading, straight from the bytes, to append incremental updates (ISO 32000-1, 7.5.6) and to
/// check what an update changed: the revisions (each ends at a %%EOF after a classic cross-reference table),
/// the cross-reference offsets of each revision, and the top-level entries of an object's dictionary. Records are
/// written by PDFsharp and by <see cref="IncrementalUpdate"/>, which both write classic tables, so cross-reference
/// streams are refused rather than half-read. Input may be anything: every offset is checked against the file.
/// </summary>
sealed class PdfFile
{
    /// <summary>The most revisions read: a record has its own, then validation data and archive time-stamps, a few per decade.</summary>
    public const int MaxRevisions = 64;

    readonly byte[] _pdf;

    PdfFile(byte[] pdf, List<Revision> revisions)
    {
        _pdf = pdf;
        Revisions = revisions;
    }

    public byte[] Bytes => _pdf;

    /// <summary>The revisions, oldest first; the last one is the file as a reader sees it.</summary>
    public IReadOnlyList<Revision> Revisions { get; }

    public Revision Last => Revisions[^1];

    /// <summary>One revision: where it ends (after its %%EOF line), its cross-reference entries and trailer.</summary>
    /// <param name="End">The offset just after this revision's "%%EOF" end-of-line.</param>
    /// <param name="XrefOffset">Where its cross-reference table starts (its startxref).</param>
    /// <param name="Offsets">Object number to byte offset for the objects this revision (re)defines.</param>
    /// <param name="Trailer">The trailer dictionary's entries.</param>
    public sealed record Revision(int End, int XrefOffset, IReadOnlyDictionary<int, int> Offsets, RawDictionary Trailer)
    {
        /// <summary>Object numbers this revision's cross-reference marks free.</summary>
        public IReadOnlySet<int> Freed { get; init; } = new HashSet<int>();

        public int? RootNumber => Trailer.Reference("/Root");

        public int Size => (int)Math.Clamp(Trailer.Integer("/Size") ?? 0, 0, int.MaxValue);
    }

    /// <summary>Reads the revisions; throws <see cref="FormatException"/> when the file's structure is not what a record has.</summary>
    public static PdfFile Read(byte[] pdf)
    {
        var ends = new List<int>();
        var span = pdf.AsSpan();
        var from = 0;
        while (ends.Count <= MaxRevisions)
        {
            var at = span[from..].IndexOf("%%EOF"u8);
            if (at < 0)
            {
                break;
            }

            // The marker and one end-of-line (ISO 32000-1, 7.5.5): what follows is the next update, or data nothing vouches for.
            var end = from + at + 5;
            if (end < pdf.Length && pdf[end] == '\r')
            {
                end++;
            }

            if (end < pdf.Length && pdf[end] == '\n')
            {
                end++;
            }

            ends.Add(end);
            from = end;
        }

        if (ends.Count == 0 || ends.Count > MaxRevisions)
        {
            throw new FormatException(ends.Count == 0 ? "The file has no end-of-file marker." : $"The file has more than {MaxRevisions} revisions.");
        }

        var revisions = new List<Revision>();
        var start = 0;
        foreach (var end in ends)
        {
            var startxref = span[start..end].LastIndexOf("startxref"u8);
            if (startxref < 0)
            {
                throw new FormatException("A revision has no startxref.");
            }

            var offset = ReadInteger(pdf, start + startxref + 9, out _);
            if (offset is not { } xref || xref < 0 || xref >= end)
            {
                throw new FormatException("A revision's startxref points outside the file.");
            }

            revisions.Add(ReadXref(pdf, (int)xref, end));
            start = end;
        }

        return new PdfFile(pdf, revisions);
    }

    static Revision ReadXref(byte[] pdf, int xref, int end)
    {
        if (!pdf.AsSpan(xref).StartsWith("xref"u8))
        {
            throw new FormatException("A revision's cross-reference is not a classic table (cross-reference streams are not used in records).");
        }

        var offsets = new Dictionary<int, int>();
        var freed = new HashSet<int>();
        var listed = new HashSet<long>();
        var i = xref + 4;
        while (true)
        {
            i = SkipSpace(pdf, i);
            if (pdf.AsSpan(i).StartsWith("trailer"u8))
            {
                break;
            }

            var first = ReadInteger(pdf, i, out i);
            var count = ReadInteger(pdf, i, out i);
            if (first is not { } f || count is not { } c || f < 0 || c < 0 || c > 1_000_000)
            {
                throw new FormatException("A cross-reference subsection header cannot be read.");
            }

            i = SkipSpace(pdf, i);
            for (var n = 0; n < c; n++)
            {
                if (i + 20 > pdf.Length)
                {
                    throw new FormatException("A cross-reference table is cut short.");
                }

                var entry = pdf.AsSpan(i, 18);
                if (!long.TryParse(entry[..10], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) || entry[17] is not ((byte)'n' or (byte)'f'))
                {
                    throw new FormatException("A cross-reference entry cannot be read.");
                }

                // An object listed twice in one table is a shadow: readers disagree on which entry counts (qpdf and Poppler
                // take the first), so a checker that took the other would vouch for what no reader shows. ISO 32000-1
                // 7.5.4 gives each object one entry per section; such a file is refused.
                if (!listed.Add(f + n))
                {
                    throw new FormatException($"A cross-reference table lists object {f + n} more than once: readers would not agree which definition counts.");
                }

                if (entry[17] == 'n')
                {
                    if (offset <= 0 || offset >= end)
                    {
                        throw new FormatException("A cross-reference entry points outside its revision.");
                    }

                    offsets[(int)(f + n)] = (int)offset;
                }
                else
                {
                    freed.Add((int)(f + n));
                }

                i += 20;
            }
        }

        var trailer = RawDictionary.Parse(pdf, i + 7, end, out _) ?? throw new FormatException("A trailer dictionary cannot be read.");
        return new Revision(end, xref, offsets, trailer) { Freed = freed };
    }

    /// <summary>Where the newest definition of object <paramref name="number"/> up to revision <paramref name="revision"/> starts, or null.</summary>
    public int? OffsetOf(int number, int revision)
    {
        for (var r = revision; r >= 0; r--)
        {
            if (Revisions[r].Offsets.TryGetValue(number, out var offset))
            {
                return offset;
            }
        }

        return null;
    }

    /// <summary>The dictionary of object <paramref name="number"/> as revision <paramref name="revision"/> (default: the last) defines it, or null.</summary>
    public RawDictionary? Dictionary(int number, int? revision = null)
    {
        var r = revision ?? Revisions.Count - 1;
        if (OffsetOf(number, r) is not { } offset)
        {
            return null;
        }

        // "N 0 obj" then the dictionary.
        var header = ReadInteger(_pdf, offset, out var i);
        _ = ReadInteger(_pdf, i, out i);
        i = SkipSpace(_pdf, i);
        if (header != number || !_pdf.AsSpan(i).StartsWith("obj"u8))
        {
            throw new FormatException($"Object {number} is not where the cross-reference table says.");
        }

        return RawDictionary.Parse(_pdf, i + 3, Revisions[r].End, out _);
    }

    /// <summary>The raw bytes of object <paramref name="number"/>'s definition in revision <paramref name="revision"/>, from "N 0 obj" to after "endobj".</summary>
    public ReadOnlySpan<byte> ObjectBytes(int number, int revision)
    {
        if (!Revisions[revision].Offsets.TryGetValue(number, out var offset))
        {
            return [];
        }

        var end = _pdf.AsSpan(offset, Revisions[revision].End - offset).IndexOf("endobj"u8);
        return end < 0 ? [] : _pdf.AsSpan(offset, end + 6);
    }

    internal static long? ReadInteger(byte[] pdf, int from, out int next)
    {
        var i = SkipSpace(pdf, from);
        var s = i;
        while (i < pdf.Length && char.IsAsciiDigit((char)pdf[i]) && i - s < 12)
        {
            i++;
        }

        next = i;
        return i > s && long.TryParse(pdf.AsSpan(s, i - s), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    internal static int SkipSpace(byte[] pdf, int i)
    {
        while (i < pdf.Length)
        {
            var b = pdf[i];
            if (b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0 or 12)
            {
                i++;
            }
            else if (b == '%')
            {
                while (i < pdf.Length && pdf[i] is not ((byte)'\r' or (byte)'\n'))
                {
                    i++;
                }
            }
            else
            {
                break;
            }
        }

        return i;
    }
}

/// <summary>
/// A dictionary's top-level entries, in order, each value kept as the exact bytes written (an indirect reference,
/// a nested dictionary or array, a string...), so it can be written again unchanged with entries added or replaced.
/// </summary>
sealed class RawDictionary
{
    readonly List<KeyValuePair<string, byte[]>> _entries;

    public RawDictionary(IEnumerable<KeyValuePair<string, byte[]>>? entries = null) => _entries = [.. entries ?? []];

    public IReadOnlyList<KeyValuePair<string, byte[]>> Entries => _entries;

    public byte[]? this[string key] => _entries.FirstOrDefault(e => e.Key == key).Value;

    public bool Contains(string key) => _entries.Any(e => e.Key == key);

    public string? Text(string key) => this[key] is { } v ? Encoding.Latin1.GetString(v) : null;

    /// <summary>The object number of an indirect reference value ("12 0 R").</summary>
    public int? Reference(string key) => this[key] is { } v ? ParseReference(v) : null;

    public long? Integer(string key) =>
        this[key] is { } v && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    public string? Name(string key) => Text(key) is { } t && t.StartsWith('/') ? t : null;

    /// <summary>The object numbers of an array of references ("[12 0 R 14 0 R]"); null when the value is not such an array.</summary>
    public List<int>? References(string key)
    {
        if (Text(key) is not { } t || !t.StartsWith('[') || !t.EndsWith(']'))
        {
            return null;
        }

        var parts = t[1..^1].Split([' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length % 3 != 0)
        {
            return null;
        }

        var numbers = new List<int>();
        for (var i = 0; i < parts.Length; i += 3)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || parts[i + 1] != "0" || parts[i + 2] != "R")
            {
                return null;
            }

            numbers.Add(n);
        }

        return numbers;
    }

    public static int? ParseReference(ReadOnlySpan<byte> value)
    {
        var text = Encoding.Latin1.GetString(value).Split([' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return text.Length == 3 && text[2] == "R" && text[1] == "0" && int.TryParse(text[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/> (replaced in place, or added at the end).</summary>
    public RawDictionary With(string key, string value)
    {
        var copy = new RawDictionary(_entries);
        var bytes = Encoding.Latin1.GetBytes(value);
        var at = copy._entries.FindIndex(e => e.Key == key);
        if (at >= 0)
        {
            copy._entries[at] = new(key, bytes);
        }
        else
        {
            copy._entries.Add(new(key, bytes));
        }

        return copy;
    }

    public RawDictionary Without(params string[] keys) => new(_entries.Where(e => !keys.Contains(e.Key)));

    public string Write()
    {
        var text = new StringBuilder("<<");
        foreach (var (key, value) in _entries)
        {
            text.Append(key).Append(' ').Append(Encoding.Latin1.GetString(value)).Append(' ');
        }

        return text.Append(">>").ToString();
    }

    /// <summary>The entries are the same keys with byte-identical values, in any order.</summary>
    public bool SameAs(RawDictionary other) =>
        _entries.Count == other._entries.Count && _entries.All(e => other[e.Key] is { } v && v.AsSpan().SequenceEqual(e.Value));

    /// <summary>Parses the dictionary starting at <paramref name="from"/> (after white space); null when there is none.</summary>
    public static RawDictionary? Parse(byte[] pdf, int from, int limit, out int next) => Parse(pdf, from, limit, 0, out next);

    /// <summary>Nesting deeper than this is refused (a hostile file could otherwise exhaust the stack).</summary>
    const int MaxDepth = 32;

    static RawDictionary? Parse(byte[] pdf, int from, int limit, int depth, out int next)
    {
        next = from;
        if (depth > MaxDepth)
        {
            return null;
        }

        var i = PdfFile.SkipSpace(pdf, from);
        if (i + 1 >= limit || pdf[i] != '<' || pdf[i + 1] != '<')
        {
            return null;
        }

        i += 2;
        var entries = new List<KeyValuePair<string, byte[]>>();
        while (true)
        {
            i = PdfFile.SkipSpace(pdf, i);
            if (i + 1 >= limit)
            {
                return null;
            }

            if (pdf[i] == '>' && pdf[i + 1] == '>')
            {
                next = i + 2;
                return new RawDictionary(entries);
            }

            if (pdf[i] != '/' || entries.Count > 4096)
            {
                return null;
            }

            var keyEnd = NameEnd(pdf, i + 1, limit);
            var key = Encoding.Latin1.GetString(pdf, i, keyEnd - i);
            i = PdfFile.SkipSpace(pdf, keyEnd);
            var valueStart = i;
            if (SkipValue(pdf, i, limit, depth + 1) is not { } valueEnd)
            {
                return null;
            }

            // An indirect reference is three tokens: "12 0 R".
            if (ReferenceEnd(pdf, valueStart, limit) is { } referenceEnd)
            {
                valueEnd = referenceEnd;
            }

            entries.Add(new(key, pdf[valueStart..valueEnd]));
            i = valueEnd;
        }
    }

    static int? ReferenceEnd(byte[] pdf, int i, int limit)
    {
        var first = PdfFile.ReadInteger(pdf, i, out var j);
        if (first is null || j >= limit || pdf[j] is not ((byte)' ' or (byte)'\r' or (byte)'\n'))
        {
            return null;
        }

        var generation = PdfFile.ReadInteger(pdf, j, out var k);
        if (generation is null)
        {
            return null;
        }

        k = PdfFile.SkipSpace(pdf, k);
        return k < limit && pdf[k] == 'R' && (k + 1 >= limit || IsDelimiterOrSpace(pdf[k + 1])) ? k + 1 : null;
    }

    static int NameEnd(byte[] pdf, int i, int limit)
    {
        while (i < limit && !IsDelimiterOrSpace(pdf[i]))
        {
            i++;
        }

        return i;
    }

    static bool IsDelimiterOrSpace(byte b) => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0 or 12 or (byte)'/' or (byte)'<' or (byte)'>'
        or (byte)'[' or (byte)']' or (byte)'(' or (byte)')' or (byte)'%' or (byte)'{' or (byte)'}';

    /// <summary>The offset just after the value starting at <paramref name="i"/>, or null when it is malformed.</summary>
    static int? SkipValue(byte[] pdf, int i, int limit, int depth)
    {
        if (depth > MaxDepth || i >= limit)
        {
            return null;
        }

        switch (pdf[i])
        {
            case (byte)'<' when i + 1 < limit && pdf[i + 1] == '<':
                return Parse(pdf, i, limit, depth + 1, out var next) is null ? null : next;
            case (byte)'<':
                var close = pdf.AsSpan(i, limit - i).IndexOf((byte)'>');
                return close < 0 ? null : i + close + 1;
            case (byte)'[':
                i++;
                while (true)
                {
                    i = PdfFile.SkipSpace(pdf, i);
                    if (i >= limit)
                    {
                        return null;
                    }

                    if (pdf[i] == ']')
                    {
                        return i + 1;
                    }

                    if (SkipValue(pdf, i, limit, depth + 1) is not { } after)
                    {
                        return null;
                    }

                    i = after;
                }
            case (byte)'(':
                var nesting = 0;
                for (; i < limit; i++)
                {
                    if (pdf[i] == '\\')
                    {
                        i++;
                    }
                    else if (pdf[i] == '(')
                    {
                        nesting++;
                    }
                    else if (pdf[i] == ')' && --nesting == 0)
                    {
                        return i + 1;
                    }
                }

                return null;
            case (byte)'/':
                return NameEnd(pdf, i + 1, limit);
            default:
                var end = NameEnd(pdf, i, limit);
                return end == i ? null : end;
        }
    }
}
