using System.Globalization;
using System.Text;

namespace Consent.Records.Signing;

/// <summary>
/// Gives a saved record the XMP packet PDF/A-3b asks for (ISO 19005-3 6.6.2.1, 6.6.4): PDFsharp 6.2.4 writes a fresh packet
/// at every save, from the Info dictionary, with no PDF/A identification and no language, and offers no way to write one's
/// own. The record reserves room for it: <see cref="Room"/> trailing spaces in its /Creator, which PDFsharp copies into the
/// packet's xmp:CreatorTool. Here, in the saved bytes and before any digest is taken, the Info string gives its spaces back
/// (outside the string's parentheses, as whitespace between tokens) and the packet is rewritten, same length, with the
/// same properties plus pdfaid:part 3, pdfaid:conformance B, dc:language and dc:format, and padded with whitespace.
/// </summary>
/// <remarks>Only a file whose /Creator carries exactly the reserved room is touched: a PDF from elsewhere is left as it is.</remarks>
static class XmpPacket
{
    /// <summary>The bytes reserved in /Creator for what the packet gains.</summary>
    public const int Room = 320;

    static ReadOnlySpan<byte> Begin => "<?xpacket begin="u8;

    static ReadOnlySpan<byte> End => "<?xpacket end=\"w\"?>"u8;

    /// <summary>Rewrites the packet and the Info /Creator of a saved record, in place; modified at <paramref name="modified"/>.</summary>
    public static void Rewrite(Span<byte> pdf, DateTimeOffset modified)
    {
        var creatorAt = pdf.IndexOf("/Creator("u8);
        if (creatorAt < 0)
        {
            return;
        }

        var valueAt = creatorAt + "/Creator("u8.Length;
        var valueLength = pdf[valueAt..].IndexOf((byte)')');
        var creator = pdf.Slice(valueAt, Math.Max(valueLength, 0));
        var trimmed = creator.TrimEnd((byte)' ');
        if (creator.Length - trimmed.Length != Room)
        {
            return;
        }

        var begin = pdf.IndexOf(Begin);
        var endAt = begin < 0 ? -1 : pdf[begin..].IndexOf(End);
        if (endAt < 0)
        {
            return;
        }

        var packet = pdf.Slice(begin, endAt + End.Length);
        var rewritten = Compose(packet, Info(pdf, "/ConsentLanguage("u8), modified);
        if (rewritten is null || rewritten.Length + End.Length > packet.Length)
        {
            return;
        }

        rewritten.CopyTo(packet);
        var padding = packet[rewritten.Length..^End.Length];
        padding.Fill((byte)' ');
        for (var i = 99; i < padding.Length; i += 100)
        {
            padding[i] = (byte)'\n';
        }

        End.CopyTo(packet[^End.Length..]);

        // "(Consent<spaces>)" becomes "(Consent)<spaces>": the same string, the spaces between tokens.
        var spaces = creator.Length - trimmed.Length;
        pdf[valueAt + trimmed.Length] = (byte)')';
        pdf.Slice(valueAt + trimmed.Length + 1, spaces).Fill((byte)' ');
    }

    /// <summary>The packet's properties, kept byte for byte as PDFsharp escaped them, in a packet with the PDF/A identification.</summary>
    static byte[]? Compose(ReadOnlySpan<byte> packet, string? language, DateTimeOffset modified)
    {
        var producer = Value(packet, "<pdf:Producer>"u8, "</pdf:Producer>"u8);
        var keywords = Value(packet, "<pdf:Keywords>"u8, "</pdf:Keywords>"u8);
        var title = Value(packet, "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">"u8, "</rdf:li>"u8);
        var author = Value(packet, "<dc:creator><rdf:Seq><rdf:li>"u8, "</rdf:li>"u8);
        var subject = Value(packet, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"u8, "</rdf:li>"u8);
        var tool = Value(packet, "<xmp:CreatorTool>"u8, "</xmp:CreatorTool>"u8);
        var created = Value(packet, "<xmp:CreateDate>"u8, "</xmp:CreateDate>"u8);
        var documentId = Value(packet, "<xmpMM:DocumentID>"u8, "</xmpMM:DocumentID>"u8);
        var instanceId = Value(packet, "<xmpMM:InstanceID>"u8, "</xmpMM:InstanceID>"u8);
        if (producer is null || title is null || tool is null || created is null)
        {
            return null;
        }

        var date = modified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var xml = new MemoryStream(packet.Length);
        void Text(string text) => xml.Write(Encoding.UTF8.GetBytes(text));
        void Raw(byte[] bytes) => xml.Write(bytes);

        Text("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n");
        Text("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
        Text("<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\"><pdfaid:part>3</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance></rdf:Description>\n");
        Text("<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"><pdf:Producer>");
        Raw(producer);
        Text("</pdf:Producer>");
        if (keywords is { Length: > 0 })
        {
            Text("<pdf:Keywords>");
            Raw(keywords);
            Text("</pdf:Keywords>");
        }

        Text("</rdf:Description>\n<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:format>application/pdf</dc:format>");
        Text("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        Raw(title);
        Text("</rdf:li></rdf:Alt></dc:title>");
        if (author is { Length: > 0 })
        {
            Text("<dc:creator><rdf:Seq><rdf:li>");
            Raw(author);
            Text("</rdf:li></rdf:Seq></dc:creator>");
        }

        if (subject is { Length: > 0 })
        {
            Text("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
            Raw(subject);
            Text("</rdf:li></rdf:Alt></dc:description>");
        }

        if (language is { Length: > 0 })
        {
            Text($"<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>");
        }

        Text("</rdf:Description>\n<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"><xmp:CreatorTool>");
        Raw(tool.AsSpan().TrimEnd((byte)' ').ToArray());
        Text("</xmp:CreatorTool><xmp:CreateDate>");
        Raw(created);
        Text($"</xmp:CreateDate><xmp:ModifyDate>{date}</xmp:ModifyDate><xmp:MetadataDate>{date}</xmp:MetadataDate></rdf:Description>\n");
        if (documentId is not null && instanceId is not null)
        {
            Text("<rdf:Description rdf:about=\"\" xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"><xmpMM:DocumentID>");
            Raw(documentId);
            Text("</xmpMM:DocumentID><xmpMM:InstanceID>");
            Raw(instanceId);
            Text("</xmpMM:InstanceID></rdf:Description>\n");
        }

        Text("</rdf:RDF>\n</x:xmpmeta>\n");
        return xml.ToArray();
    }

    static byte[]? Value(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> open, ReadOnlySpan<byte> close)
    {
        var at = packet.IndexOf(open);
        if (at < 0)
        {
            return null;
        }

        var rest = packet[(at + open.Length)..];
        var length = rest.IndexOf(close);
        return length < 0 ? null : rest[..length].ToArray();
    }

    /// <summary>An ASCII string value of the Info dictionary (<c>/Key(value)</c>), or null.</summary>
    static string? Info(ReadOnlySpan<byte> pdf, ReadOnlySpan<byte> key)
    {
        var at = pdf.IndexOf(key);
        if (at < 0)
        {
            return null;
        }

        var rest = pdf[(at + key.Length)..];
        var length = rest.IndexOf((byte)')');
        return length is > 0 and <= 35 ? Encoding.ASCII.GetString(rest[..length]) : null;
    }
}
