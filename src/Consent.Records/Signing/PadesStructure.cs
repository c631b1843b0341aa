using System.Formats.Asn1;
using System.IO.Compression;
using System.Text;

namespace Consent.Records.Signing;

/// <summary>
/// The PAdES parts of a record, read from its bytes: the catalog, its signature fields (the record's signature and
/// any document time-stamps, in the order they were made), the document security store (DSS, ETSI EN 319 142-1,
/// 5.4.2) and the page a new time-stamp's field is put on. Shared by the writer (<see cref="RecordEvidence"/>),
/// which must know what is there already, and by the verifier, which must know what each revision changed.
/// </summary>
sealed class PadesStructure
{
    static readonly System.Buffers.SearchValues<byte> HexDigits = System.Buffers.SearchValues.Create("0123456789ABCDEFabcdef"u8);

    /// <summary>Form fields read at most: a record has its signature and an archive time-stamp every few years.</summary>
    public const int MaxFields = 64;

    /// <summary>The largest signature value decoded (hex characters are twice this): a time-stamp token with its chain is a few KB.</summary>
    const int MaxContentsBytes = 256 * 1024;

    /// <summary>Largest stream read out of a DSS: one certificate or CRL.</summary>
    const int MaxStreamBytes = 4 * 1024 * 1024;

    public required PdfFile File { get; init; }

    public required int CatalogNumber { get; init; }

    public required RawDictionary Catalog { get; init; }

    /// <summary>The AcroForm: its own object number when it is an indirect object, else null (it sits in the catalog).</summary>
    public int? AcroFormNumber { get; init; }

    public RawDictionary? AcroForm { get; init; }

    public required IReadOnlyList<SignatureField> Signatures { get; init; }

    public int? DssNumber { get; init; }

    public RawDictionary? Dss { get; init; }

    /// <summary>DSS certificates (DER), each with its object number.</summary>
    public IReadOnlyList<(int Number, byte[] Der)> DssCertificates { get; init; } = [];

    /// <summary>DSS CRLs (DER), each with its object number.</summary>
    public IReadOnlyList<(int Number, byte[] Der)> DssCrls { get; init; } = [];

    /// <summary>The revision the DSS was last written in, or null when there is none.</summary>
    public int? DssRevision { get; init; }

    /// <summary>A signature field's value: its dictionary and what it signs.</summary>
    /// <param name="FieldNumber">The field (merged with its widget) object's number.</param>
    /// <param name="Number">The signature dictionary's object number.</param>
    /// <param name="Type">/Type: /Sig or /DocTimeStamp.</param>
    /// <param name="SubFilter">/SubFilter without the slash.</param>
    /// <param name="ByteRange">The four /ByteRange numbers.</param>
    /// <param name="Contents">The DER object in /Contents (padding after it dropped), or null when unreadable.</param>
    /// <param name="Hole">Where the /Contents hex string lies ('&lt;' to after '&gt;').</param>
    /// <param name="Revision">The revision whose end the byte range reaches (the one it signs).</param>
    /// <param name="PaddingIsZero">The hex after the DER object is all zeros.</param>
    public sealed record SignatureField(int FieldNumber, int Number, string? Type, string? SubFilter, long[] ByteRange, byte[]? Contents,
        (int Start, int End) Hole, int Revision, bool PaddingIsZero);

    /// <summary>Reads the structure; throws <see cref="FormatException"/> when the file is not shaped like a record.</summary>
    public static PadesStructure Read(byte[] pdf)
    {
        var file = PdfFile.Read(pdf);
        var catalogNumber = file.Last.RootNumber ?? throw new FormatException("The trailer names no catalog.");
        var catalog = file.Dictionary(catalogNumber) ?? throw new FormatException("The catalog cannot be read.");
        int? acroFormNumber = catalog.Reference("/AcroForm");
        RawDictionary? acroForm = acroFormNumber is { } n ? file.Dictionary(n)
            : catalog["/AcroForm"] is { } inline ? RawDictionary.Parse(inline, 0, inline.Length, out _) : null;
        var signatures = new List<SignatureField>();
        // Each field and signature object is read once, and only so many: a hostile form listing one field with a large
        // value thousands of times must not cost thousands of decodings.
        foreach (var field in (acroForm?.References("/Fields") ?? []).Distinct().Take(MaxFields))
        {
            var fieldDictionary = file.Dictionary(field);
            if (fieldDictionary?.Name("/FT") != "/Sig" || fieldDictionary.Reference("/V") is not { } value)
            {
                continue;
            }

            if (signatures.Any(s => s.Number == value))
            {
                continue;
            }

            if (ReadSignature(file, field, value) is { } signature)
            {
                signatures.Add(signature);
            }
        }

        signatures.Sort((a, b) => a.Revision.CompareTo(b.Revision));
        var dssNumber = catalog.Reference("/DSS");
        var dss = dssNumber is { } d ? file.Dictionary(d) : null;
        return new PadesStructure
        {
            File = file, CatalogNumber = catalogNumber, Catalog = catalog, AcroFormNumber = acroFormNumber, AcroForm = acroForm,
            Signatures = signatures, DssNumber = dssNumber, Dss = dss,
            DssCertificates = Streams(file, dss?.References("/Certs")), DssCrls = Streams(file, dss?.References("/CRLs")),
            DssRevision = dssNumber is { } dn ? RevisionDefining(file, dn) : null,
        };
    }

    static int? RevisionDefining(PdfFile file, int number)
    {
        for (var r = file.Revisions.Count - 1; r >= 0; r--)
        {
            if (file.Revisions[r].Offsets.ContainsKey(number))
            {
                return r;
            }
        }

        return null;
    }

    static SignatureField? ReadSignature(PdfFile file, int field, int number)
    {
        var dictionary = file.Dictionary(number);
        if (dictionary?["/ByteRange"] is not { } rangeBytes)
        {
            return null;
        }

        var range = Encoding.Latin1.GetString(rangeBytes).Trim('[', ']').Split([' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(t => long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1).ToArray();
        var bytes = file.Bytes;
        if (range.Length != 4 || range.Any(v => v < 0) || range[0] != 0 || range[1] >= range[2] || range[2] + range[3] > bytes.Length
            || bytes[range[1]] != '<' || bytes[range[2] - 1] != '>')
        {
            return null;
        }

        var end = range[2] + range[3];
        var revision = -1;
        for (var r = 0; r < file.Revisions.Count; r++)
        {
            if (file.Revisions[r].End == end)
            {
                revision = r;
            }
        }

        if (revision < 0)
        {
            return null;
        }

        var hex = bytes.AsSpan((int)range[1] + 1, (int)(range[2] - range[1] - 2));
        byte[]? contents = null;
        var zero = false;
        if (hex.Length <= 2 * MaxContentsBytes && hex.Length % 2 == 0 && !hex.ContainsAnyExcept(HexDigits))
        {
            var raw = Convert.FromHexString(Encoding.ASCII.GetString(hex));
            try
            {
                AsnDecoder.ReadEncodedValue(raw, AsnEncodingRules.BER, out _, out _, out var length);
                contents = raw[..length];
                zero = !raw.AsSpan(length).ContainsAnyExcept((byte)0);
            }
            catch (AsnContentException)
            {
                contents = null;
            }
        }

        return new SignatureField(field, number, dictionary.Name("/Type"), dictionary.Name("/SubFilter")?[1..], range, contents,
            ((int)range[1], (int)range[2]), revision, zero);
    }

    /// <summary>
    /// The DSS's certificates or CRLs, each object once, within <see cref="MaxValidationEntries"/> entries and
    /// <see cref="MaxValidationBytes"/> decoded bytes: the DSS is read before any signature is checked, from files anyone
    /// can upload, so a short file listing one compressed stream thousands of times must not decode it thousands of times.
    /// </summary>
    static List<(int, byte[])> Streams(PdfFile file, List<int>? numbers)
    {
        var streams = new List<(int, byte[])>();
        if (numbers?.Count > MaxValidationEntries)
        {
            throw new FormatException($"The validation data lists {numbers.Count} entries; a record holds at most {MaxValidationEntries}.");
        }

        var distinct = (numbers ?? []).Distinct().ToList();

        long total = 0;
        foreach (var number in distinct)
        {
            if (StreamData(file, number) is { } data)
            {
                total += data.Length;
                if (total > MaxValidationBytes)
                {
                    throw new FormatException($"The validation data decodes to more than {MaxValidationBytes / (1024 * 1024)} MiB; a record holds less.");
                }

                streams.Add((number, data));
            }
        }

        return streams;
    }

    /// <summary>Certificates or CRLs in one DSS array: a record's chains and CRLs, renewed for decades, stay far below it.</summary>
    const int MaxValidationEntries = 1000;

    /// <summary>Decoded bytes of one DSS array (each stream at most <see cref="MaxStreamBytes"/>).</summary>
    const long MaxValidationBytes = 32L * 1024 * 1024;

    /// <summary>A stream object's data, decoded when it is Flate-compressed; null when unreadable.</summary>
    public static byte[]? StreamData(PdfFile file, int number, int? revision = null)
    {
        if (file.OffsetOf(number, revision ?? file.Revisions.Count - 1) is not { } offset)
        {
            return null;
        }

        var bytes = file.Bytes;
        var obj = bytes.AsSpan(offset).IndexOf("obj"u8);
        if (obj < 0)
        {
            return null;
        }

        var dictionary = RawDictionary.Parse(bytes, offset + obj + 3, bytes.Length, out var after);
        if (dictionary?.Integer("/Length") is not { } length || length < 0 || length > MaxStreamBytes)
        {
            return null;
        }

        var i = PdfFile.SkipSpace(bytes, after);
        if (!bytes.AsSpan(i).StartsWith("stream"u8))
        {
            return null;
        }

        i += 6;
        if (i < bytes.Length && bytes[i] == '\r')
        {
            i++;
        }

        if (i < bytes.Length && bytes[i] == '\n')
        {
            i++;
        }

        if (i + length > bytes.Length)
        {
            return null;
        }

        var data = bytes.AsSpan(i, (int)length).ToArray();
        var filter = dictionary.Name("/Filter");
        if (filter is null)
        {
            return data;
        }

        if (filter != "/FlateDecode")
        {
            return null;
        }

        try
        {
            using var input = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = input.Read(chunk)) > 0)
            {
                if (output.Length + read > MaxStreamBytes)
                {
                    return null;
                }

                output.Write(chunk, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Where the first revision (the one the record's signature signs) ends.</summary>
    public int Revisions0End() => File.Revisions[0].End;

    /// <summary>The last page of the document (a new time-stamp's zero-size field is put there, as the record's signature is).</summary>
    public int LastPage()
    {
        var node = Catalog.Reference("/Pages") ?? throw new FormatException("The catalog has no page tree.");
        for (var depth = 0; depth < 32; depth++)
        {
            var dictionary = File.Dictionary(node) ?? throw new FormatException("A page tree node cannot be read.");
            if (dictionary.Name("/Type") == "/Page")
            {
                return node;
            }

            var kids = dictionary.References("/Kids");
            if (kids is not { Count: > 0 })
            {
                throw new FormatException("A page tree node has no kids.");
            }

            node = kids[^1];
        }

        throw new FormatException("The page tree is too deep.");
    }
}
