using System.Security.Cryptography;
using System.Text;
using PdfSharp.Pdf;

namespace Consent.Records.Signing;

/// <summary>
/// Makes PDFsharp's output depend only on its input: PDFsharp draws random font subset tags,
/// random document ids (trailer /ID, XMP DocumentID and InstanceID) and stamps /ModDate with the
/// clock. The tags are renamed on the objects before saving; the rest is rewritten in the saved
/// bytes, same length, before any digest is taken, and so is the XMP packet (<see cref="XmpPacket"/>:
/// PDF/A identification and language).
/// </summary>
static class ReproducibleOutput
{
    /// <summary>
    /// Prepares a reopened document for a reproducible save: drops the XMP packet of the earlier
    /// save (PDFsharp writes a fresh one, else both would stay in the file) and renames every
    /// "ABCDEF+Family" subset tag to one derived from the embedded font program.
    /// </summary>
    public static void Prepare(PdfDocument document)
    {
        var catalog = document.Internals.GetAllObjects().OfType<PdfDictionary>().FirstOrDefault(d => d.Elements["/Type"] is PdfName { Value: "/Catalog" });
        if (catalog?.Elements.GetReference("/Metadata")?.Value is PdfObject metadata)
        {
            catalog.Elements.Remove("/Metadata");
            document.Internals.RemoveObject(metadata);
        }

        var objects = document.Internals.GetAllObjects().OfType<PdfDictionary>().ToList();
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var descriptor in objects)
        {
            if (descriptor.Elements["/FontName"] is not PdfName { Value: var name } || !IsSubsetName(name))
            {
                continue;
            }

            var program = descriptor.Elements.GetDictionary("/FontFile2")?.Stream?.Value ?? Encoding.UTF8.GetBytes(name);
            var hash = SHA256.HashData(program);
            var tag = new string([.. hash.Take(6).Select(b => (char)('A' + b % 26))]);
            renames.TryAdd(name[1..7], tag);
        }

        foreach (var dictionary in objects)
        {
            foreach (var key in new[] { "/FontName", "/BaseFont" })
            {
                if (dictionary.Elements[key] is PdfName { Value: var name } && IsSubsetName(name) && renames.TryGetValue(name[1..7], out var tag))
                {
                    dictionary.Elements[key] = new PdfName("/" + tag + name[7..]);
                }
            }
        }
    }

    static bool IsSubsetName(string name) => name.Length > 8 && name[7] == '+' && name[1..7].All(char.IsAsciiLetterUpper);

    /// <summary>Rewrites /ModDate to <paramref name="modified"/> and the document ids to ones derived from <paramref name="seed"/>.</summary>
    public static void Apply(Span<byte> pdf, ReadOnlySpan<byte> seed, DateTimeOffset modified)
    {
        var ids = SHA256.HashData(seed);
        ReplaceValue(pdf, "/ModDate("u8, (byte)')', length => SignatureDictionaryPatch.PdfDate(modified, length));
        var documentId = new Guid(ids.AsSpan(0, 16));
        var instanceId = new Guid(ids.AsSpan(16, 16));
        ReplaceValue(pdf, "<xmpMM:DocumentID>uuid:"u8, (byte)'<', length => length == 36 ? documentId.ToString() : null);
        ReplaceValue(pdf, "<xmpMM:InstanceID>uuid:"u8, (byte)'<', length => length == 36 ? instanceId.ToString() : null);
        XmpPacket.Rewrite(pdf, modified);
        var trailerId = pdf.LastIndexOf("/ID[<"u8);
        if (trailerId >= 0)
        {
            var hex = Convert.ToHexString(ids);
            ReplaceValue(pdf[trailerId..], "/ID[<"u8, (byte)'>', length => length == 32 ? hex[..32] : null);
            ReplaceValue(pdf[trailerId..], "><"u8, (byte)'>', length => length == 32 ? hex[32..] : null);
        }
    }

    /// <summary>Replaces the text between the first <paramref name="prefix"/> and the next <paramref name="end"/>, if a same-length value is offered.</summary>
    static void ReplaceValue(Span<byte> pdf, ReadOnlySpan<byte> prefix, byte end, Func<int, string?> value)
    {
        var at = pdf.IndexOf(prefix);
        if (at < 0)
        {
            return;
        }

        var start = at + prefix.Length;
        var length = pdf[start..].IndexOf(end);
        if (length <= 0 || length > 64 || value(length) is not { } text || text.Length != length)
        {
            return;
        }

        Encoding.ASCII.GetBytes(text, pdf.Slice(start, length));
    }
}
