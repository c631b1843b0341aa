using System.Buffers;
using System.Globalization;
using System.Text;

namespace Consent.Records.Verification;

/// <summary>
/// Reads the last signature of a PDF straight from its bytes (ByteRange, Contents, SubFilter, /M)
/// and the record's document information keys, without a PDF library: input may be anything.
/// </summary>
sealed class PdfSignatureScan
{
    readonly byte[] _pdf;
    readonly int _limit;

    /// <param name="pdf">The file.</param>
    /// <param name="limit">Where the revision the record's signature signs ends: the signature is looked for before it (later updates hold time-stamps).</param>
    public PdfSignatureScan(byte[] pdf, int? limit = null)
    {
        _pdf = pdf;
        _limit = Math.Clamp(limit ?? pdf.Length, 0, pdf.Length);
        Scan();
    }

    public long[]? ByteRange { get; private set; }

    /// <summary>Where the /Contents hex string starts ('&lt;') and ends (after '&gt;').</summary>
    public (int Start, int End)? ContentsHole { get; private set; }

    public byte[]? Contents { get; private set; }

    public string? SubFilter { get; private set; }

    public DateTimeOffset? SigningTime { get; private set; }

    public List<string> Problems { get; } = [];

    void Scan()
    {
        var span = _pdf.AsSpan();
        var at = span[.._limit].LastIndexOf("/ByteRange"u8);
        if (at < 0)
        {
            return;
        }

        ByteRange = ReadIntegerArray(at + "/ByteRange".Length);
        if (ByteRange is not { Length: 4 })
        {
            Problems.Add("The signature's byte range cannot be read.");
            ByteRange = null;
            return;
        }

        // The hole the byte range leaves must be exactly the /Contents hex string.
        var start = ByteRange[0] + ByteRange[1];
        var end = ByteRange[2];
        if (start <= 0 || end <= start || end > _pdf.Length || _pdf[start] != '<' || _pdf[end - 1] != '>')
        {
            Problems.Add("The signature's byte range does not point at its signature value.");
            return;
        }

        var before = span[..(int)start].TrimEnd(" \r\n\t"u8);
        if (!before.EndsWith("/Contents"u8))
        {
            Problems.Add("The signature's byte range does not point at its signature value.");
            return;
        }

        ContentsHole = ((int)start, (int)end);
        Contents = Hex(span[((int)start + 1)..((int)end - 1)]);
        if (Contents is null)
        {
            Problems.Add("The signature value is not plain hexadecimal in one letter case (it lies outside the signed bytes, so any other form means it was changed).");
        }

        var objStart = span[..(int)start].LastIndexOf("obj"u8);
        var objEnd = span[(int)end..].IndexOf("endobj"u8);
        var dictionary = span[Math.Max(0, objStart)..(objEnd < 0 ? _pdf.Length : (int)end + objEnd)];
        SubFilter = ReadName(dictionary, "/SubFilter"u8);
        SigningTime = ReadDate(dictionary, "/M"u8);
    }

    long[]? ReadIntegerArray(int from)
    {
        var i = SkipSpace(from);
        if (i >= _pdf.Length || _pdf[i] != '[')
        {
            return null;
        }

        var values = new List<long>();
        i++;
        while (true)
        {
            i = SkipSpace(i);
            if (i >= _pdf.Length || values.Count > 8)
            {
                return null;
            }

            if (_pdf[i] == ']')
            {
                return [.. values];
            }

            var s = i;
            while (i < _pdf.Length && char.IsAsciiDigit((char)_pdf[i]) && i - s < 12)
            {
                i++;
            }

            if (i == s || !long.TryParse(_pdf.AsSpan(s, i - s), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            values.Add(value);
        }
    }

    int SkipSpace(int i)
    {
        while (i < _pdf.Length && _pdf[i] is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0 or 12)
        {
            i++;
        }

        return i;
    }

    static readonly SearchValues<byte> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef"u8);
    static readonly SearchValues<byte> UpperHexLetters = SearchValues.Create("ABCDEF"u8);
    static readonly SearchValues<byte> LowerHexLetters = SearchValues.Create("abcdef"u8);

    /// <remarks>
    /// The signature value lies outside the signed bytes, so only the exact form a signer writes is
    /// accepted: hex digits in one letter case, nothing else. PDF readers would skip white space and
    /// accept either case, which would let the file change without the signature noticing.
    /// </remarks>
    static byte[]? Hex(ReadOnlySpan<byte> hex)
    {
        if (hex.Length % 2 == 1 || hex.ContainsAnyExcept(HexDigits) || (hex.ContainsAny(UpperHexLetters) && hex.ContainsAny(LowerHexLetters)))
        {
            return null;
        }

        return Convert.FromHexString(Encoding.ASCII.GetString(hex));
    }

    static string? ReadName(ReadOnlySpan<byte> dictionary, ReadOnlySpan<byte> key)
    {
        var at = dictionary.LastIndexOf(key);
        if (at < 0)
        {
            return null;
        }

        var rest = dictionary[(at + key.Length)..].TrimStart(" \r\n\t"u8);
        if (rest.IsEmpty || rest[0] != '/')
        {
            return null;
        }

        var end = 1;
        while (end < rest.Length && end < 128 && !IsDelimiter(rest[end]))
        {
            end++;
        }

        return Encoding.ASCII.GetString(rest[1..end]);
    }

    static bool IsDelimiter(byte b) => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or (byte)'/' or (byte)'<' or (byte)'>'
        or (byte)'[' or (byte)']' or (byte)'(' or (byte)')' or (byte)'%' or (byte)'{' or (byte)'}';

    static DateTimeOffset? ReadDate(ReadOnlySpan<byte> dictionary, ReadOnlySpan<byte> key)
    {
        var text = PdfInfoStrings.ReadString(dictionary, key);
        return text is null ? null : PdfInfoStrings.ParseDate(text);
    }
}
