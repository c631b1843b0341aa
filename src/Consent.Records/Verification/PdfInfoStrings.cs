using System.Globalization;
using System.Text;

namespace Consent.Records.Verification;

/// <summary>Reads PDF string values (literal or hex, PDFDocEncoding or UTF-16BE) and PDF dates from raw bytes.</summary>
static class PdfInfoStrings
{
    /// <summary>The string after the last occurrence of <paramref name="key"/> followed by a delimiter, or null.</summary>
    public static string? ReadString(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
    {
        var searchEnd = data.Length;
        while (true)
        {
            var at = data[..searchEnd].LastIndexOf(key);
            if (at < 0)
            {
                return null;
            }

            var after = at + key.Length;
            // "/M" must not match "/MediaBox": the key has to end at a delimiter.
            if (after < data.Length && (char.IsAsciiLetterOrDigit((char)data[after]) || data[after] == '.'))
            {
                searchEnd = at;
                continue;
            }

            var rest = data[after..].TrimStart(" \r\n\t"u8);
            if (rest.IsEmpty)
            {
                return null;
            }

            return rest[0] switch
            {
                (byte)'(' => Decode(Literal(rest)),
                (byte)'<' when rest.Length > 1 && rest[1] != '<' => Decode(HexString(rest)),
                _ => null,
            };
        }
    }

    static byte[]? Literal(ReadOnlySpan<byte> s)
    {
        var bytes = new List<byte>();
        var depth = 0;
        for (var i = 0; i < s.Length && i < 4096; i++)
        {
            var b = s[i];
            if (b == '\\' && i + 1 < s.Length)
            {
                var n = s[++i];
                switch (n)
                {
                    case (byte)'n': bytes.Add((byte)'\n'); break;
                    case (byte)'r': bytes.Add((byte)'\r'); break;
                    case (byte)'t': bytes.Add((byte)'\t'); break;
                    case (byte)'b': bytes.Add(8); break;
                    case (byte)'f': bytes.Add(12); break;
                    case (byte)'\r' or (byte)'\n': break;
                    case >= (byte)'0' and <= (byte)'7':
                        var value = 0;
                        var digits = 0;
                        while (digits < 3 && i < s.Length && s[i] >= '0' && s[i] <= '7')
                        {
                            value = value * 8 + (s[i] - '0');
                            i++;
                            digits++;
                        }

                        i--;
                        bytes.Add((byte)value);
                        break;
                    default: bytes.Add(n); break;
                }

                continue;
            }

            if (b == '(')
            {
                if (depth++ == 0)
                {
                    continue;
                }
            }
            else if (b == ')' && --depth == 0)
            {
                return [.. bytes];
            }

            bytes.Add(b);
        }

        return null;
    }

    static byte[]? HexString(ReadOnlySpan<byte> s)
    {
        var end = s.IndexOf((byte)'>');
        if (end < 0 || end > 8192)
        {
            return null;
        }

        var hex = new StringBuilder();
        foreach (var b in s[1..end])
        {
            if (char.IsAsciiHexDigit((char)b))
            {
                hex.Append((char)b);
            }
        }

        if (hex.Length % 2 == 1)
        {
            hex.Append('0');
        }

        return Convert.FromHexString(hex.ToString());
    }

    static string? Decode(byte[]? bytes)
    {
        if (bytes is null)
        {
            return null;
        }

        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF)
        {
            return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        }

        // PDFDocEncoding agrees with Latin-1 for everything a record writes here.
        return Encoding.Latin1.GetString(bytes);
    }

    /// <summary>Parses a PDF date such as "D:20261127193500+00'00'" or "D:20261127193500Z".</summary>
    public static DateTimeOffset? ParseDate(string text)
    {
        var s = text.StartsWith("D:", StringComparison.Ordinal) ? text[2..] : text;
        if (s.Length < 14 || !DateTime.TryParseExact(s[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var zone = s[14..].Replace("'", "", StringComparison.Ordinal);
        if (zone.Length == 0 || zone.StartsWith('Z'))
        {
            return new DateTimeOffset(local, TimeSpan.Zero);
        }

        if (zone.Length >= 5 && (zone[0] == '+' || zone[0] == '-')
            && int.TryParse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            && int.TryParse(zone.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            && hours < 24 && minutes < 60)
        {
            var offset = new TimeSpan(hours, minutes, 0);
            return new DateTimeOffset(local, zone[0] == '-' ? -offset : offset);
        }

        return null;
    }
}
