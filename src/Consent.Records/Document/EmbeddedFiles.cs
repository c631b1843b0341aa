using System.Globalization;
using System.Security.Cryptography;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;

namespace Consent.Records.Document;

/// <summary>
/// Embeds files in a record (ISO 32000-1, 7.11.4 embedded file streams; 7.7.4 the /EmbeddedFiles name tree) as PDF/A-3
/// associated files (ISO 19005-3, 6.8: each file specification has /AFRelationship, a /Subtype MIME type, /Params with
/// its size and date, and is listed in the catalog's /AF). Written into the draft, so the record's signature covers them.
/// </summary>
static class EmbeddedFiles
{
    static readonly string[] Relationships = ["Source", "Data", "Alternative", "Supplement", "Unspecified"];

    public static void Add(PdfDocument document, IReadOnlyList<RecordAttachment> attachments, DateTimeOffset modified)
    {
        if (attachments.Count == 0)
        {
            return;
        }

        var date = new PdfString("D:" + modified.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "Z");
        var names = new PdfArray(document);
        var associated = new PdfArray(document);
        foreach (var attachment in attachments.OrderBy(a => a.FileName, StringComparer.Ordinal))
        {
            if (attachment.FileName.Length is 0 or > 100 || !attachment.FileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"An embedded file's name must be 1 to 100 ASCII letters, digits, '-', '_' or '.': '{attachment.FileName}'.", nameof(attachments));
            }

            if (!Relationships.Contains(attachment.Relationship))
            {
                throw new ArgumentException($"'{attachment.Relationship}' is not a PDF/A-3 /AFRelationship.", nameof(attachments));
            }

            var file = new PdfDictionary(document);
            file.Elements["/Type"] = new PdfName("/EmbeddedFile");
            file.Elements["/Subtype"] = new PdfName("/" + attachment.MediaType); // PDFsharp writes the "/" and "+" as #2F and #2B
            var parameters = new PdfDictionary(document);
            parameters.Elements["/Size"] = new PdfInteger(attachment.Content.Length);
            parameters.Elements["/ModDate"] = date;
            parameters.Elements["/CheckSum"] = new PdfString(System.Text.Encoding.Latin1.GetString(MD5Sum(attachment.Content)), PdfStringEncoding.RawEncoding);
            file.Elements["/Params"] = parameters;
            file.CreateStream(attachment.Content);
            document.Internals.AddObject(file);

            var embedded = new PdfDictionary(document);
            embedded.Elements["/F"] = file.Reference;
            embedded.Elements["/UF"] = file.Reference;
            var specification = new PdfDictionary(document);
            specification.Elements["/Type"] = new PdfName("/Filespec");
            specification.Elements["/F"] = new PdfString(attachment.FileName);
            specification.Elements["/UF"] = new PdfString(attachment.FileName, PdfStringEncoding.Unicode);
            specification.Elements["/Desc"] = new PdfString(attachment.Description, PdfStringEncoding.Unicode);
            specification.Elements["/AFRelationship"] = new PdfName("/" + attachment.Relationship);
            specification.Elements["/EF"] = embedded;
            document.Internals.AddObject(specification);
            names.Elements.Add(new PdfString(attachment.FileName));
            names.Elements.Add(specification.Reference!);
            associated.Elements.Add(specification.Reference!);
        }

        var tree = new PdfDictionary(document);
        tree.Elements["/Names"] = names;
        var catalogNames = document.Internals.Catalog.Elements.GetDictionary("/Names") ?? new PdfDictionary(document);
        catalogNames.Elements["/EmbeddedFiles"] = tree;
        document.Internals.Catalog.Elements["/Names"] = catalogNames;
        document.Internals.Catalog.Elements["/AF"] = associated;
    }

    /// <summary>The /CheckSum PDF asks for (an MD5 of the file, used as a checksum, not for security).</summary>
#pragma warning disable CA5351 // ISO 32000-1 Table 46 defines /CheckSum as MD5; the signature (SHA-256) protects the file.
    static byte[] MD5Sum(byte[] content) => MD5.HashData(content);
#pragma warning restore CA5351
}
