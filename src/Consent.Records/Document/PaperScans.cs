using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;
using PdfSharp.UniversalAccessibility;

namespace Consent.Records;

/// <summary>
/// Scans of signed paper consent forms: what a file is, judged by its content and not its name (PDF, JPEG or PNG), and its
/// pages placed after a paper consent record's cover (a PDF's pages drawn as they look, each on a page of its size and
/// orientation; an image on a page of its own, scaled to fit within a margin and centred), each page a tagged figure.
/// </summary>
public static class PaperScans
{
    /// <summary>The largest scan taken: 20 MB.</summary>
    public const int MaxBytes = 20 * 1024 * 1024;

    /// <summary>
    /// The most pixels an image scan may have: a Letter or A4 page at 600 dpi is about 35 million. Read from the image's header
    /// before anything is decoded, so a small file that declares a huge image (an image bomb) costs nothing.
    /// </summary>
    public const long MaxPixels = 60_000_000;

    /// <summary>The most bytes a PDF scan's pages may unpack to in all (content streams and images): far beyond any scanned form.</summary>
    public const long MaxUnpackedBytes = 200L * 1024 * 1024;

    /// <summary>The types a scan may be, by the first bytes that identify them.</summary>
    public static readonly IReadOnlyList<string> ContentTypes = ["application/pdf", "image/jpeg", "image/png"];

    /// <summary>The content type the file's first bytes say it is, or null: "%PDF-", the JPEG SOI marker FF D8 FF, the PNG signature.</summary>
    public static string? Sniff(ReadOnlySpan<byte> content) =>
        content.StartsWith("%PDF-"u8) ? "application/pdf"
        : content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : content.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : null;

    /// <summary>
    /// The number of pages of a scan of <paramref name="contentType"/>, read by opening it as the record will: null when it does
    /// not open (a damaged or encrypted PDF, a PDF with no pages, an image PDFsharp cannot decode).
    /// </summary>
    public static int? CountPages(byte[] content, string contentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        try
        {
            if (contentType == "application/pdf")
            {
                using var source = PdfReader.Open(new MemoryStream(content, writable: false), PdfDocumentOpenMode.Import);
                return source.PageCount > 0 && UnpacksWithin(source, MaxUnpackedBytes) ? source.PageCount : null;
            }

            if (ImagePixels(content, contentType) is not { } pixels || pixels > MaxPixels)
            {
                return null;
            }

            using var image = XImage.FromStream(new MemoryStream(content, writable: false));
            return image.PixelWidth > 0 && image.PixelHeight > 0 ? 1 : null;
        }
#pragma warning disable CA1031 // Any failure to read a file someone uploaded means only that it is not a usable scan.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>
    /// Width times height as the image's header declares them (PNG IHDR; JPEG's start-of-frame marker), or null when the header
    /// cannot be read.
    /// </summary>
    public static long? ImagePixels(byte[] content, string contentType)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (contentType == "image/png")
        {
            return content.Length >= 24 && content.AsSpan(12, 4).SequenceEqual("IHDR"u8)
                ? (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(16)) * System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(20))
                : null;
        }

        // JPEG: walk the markers after SOI to the first start-of-frame (C0-CF but C4, C8, CC), whose height and width follow its precision byte.
        var at = 2;
        while (at + 9 < content.Length && content[at] == 0xFF)
        {
            var marker = content[at + 1];
            var length = (content[at + 2] << 8) | content[at + 3];
            if (marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
            {
                return (long)((content[at + 5] << 8) | content[at + 6]) * ((content[at + 7] << 8) | content[at + 8]);
            }

            if (length < 2)
            {
                return null;
            }

            at += 2 + length;
        }

        return null;
    }

    /// <summary>
    /// Whether every stream the pages use (their content and the images and forms they draw) unpacks to at most
    /// <paramref name="limit"/> bytes in all, read through a bounded inflater so a PDF bomb is never unpacked in full.
    /// </summary>
    static bool UnpacksWithin(PdfDocument source, long limit)
    {
        var seen = new HashSet<PdfDictionary>(ReferenceEqualityComparer.Instance);
        var total = 0L;
        bool Visit(PdfItem? item, int depth)
        {
            if (depth > 32 || total > limit)
            {
                return total <= limit;
            }

            var value = item is PdfReference reference ? reference.Value : item;
            switch (value)
            {
                case PdfDictionary dictionary when seen.Add(dictionary):
                    if (dictionary.Stream is { } stream)
                    {
                        total += UnpackedLength(stream.Value, dictionary.Elements.GetName("/Filter") == "/FlateDecode", limit - total + 1);
                    }

                    foreach (var key in dictionary.Elements.Keys)
                    {
                        if (key is not "/Parent" && !Visit(dictionary.Elements[key], depth + 1))
                        {
                            return false;
                        }
                    }

                    return total <= limit;
                case PdfArray array:
                    return array.Elements.All(element => Visit(element, depth + 1));
                default:
                    return total <= limit;
            }
        }

        return source.Pages.Cast<PdfPage>().All(page => Visit(page, 0));
    }

    /// <summary>The stream's length once unpacked (Flate), counted up to <paramref name="cap"/> bytes and no further; its raw length otherwise.</summary>
    static long UnpackedLength(byte[] raw, bool flate, long cap)
    {
        if (!flate)
        {
            return raw.Length;
        }

        try
        {
            using var inflater = new System.IO.Compression.ZLibStream(new MemoryStream(raw, writable: false), System.IO.Compression.CompressionMode.Decompress);
            var buffer = new byte[81920];
            long count = 0;
            int read;
            while (count < cap && (read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                count += read;
            }

            return count;
        }
        catch (InvalidDataException)
        {
            return raw.Length;
        }
    }

    /// <summary>
    /// Adds the scan's pages to the end of <paramref name="document"/>, each tagged as a figure whose alternative text is
    /// <paramref name="alt"/> of its page number within the scan. A PDF's pages are drawn as form XObjects on fresh pages
    /// (PDFsharp's structure builder cannot tag an imported page), keeping each page's size and rotation.
    /// </summary>
    internal static void Append(PdfDocument document, PaperForm paper, XSize pageSize, Func<int, string> alt, StructureBuilder structure)
    {
        if (paper.ContentType == "application/pdf")
        {
            // Only what each page shows is drawn: none of the scan's links, form fields, file attachments, signature fields or
            // actions reaches the record the clinic signs (an outside review carried a launch action, a phishing link, a field
            // with JavaScript and a second "Signature1" field into a signed record when pages were imported whole).
            var (scan, rotations) = Upright(paper.Scan);
            using var form = XPdfForm.FromStream(new MemoryStream(scan, writable: false));
            for (var number = 1; number <= form.PageCount; number++)
            {
                form.PageNumber = number;
                var rotate = rotations[number - 1];
                var (width, height) = (form.PointWidth, form.PointHeight);
                var turned = rotate is 90 or 270;
                var page = document.AddPage();
                page.Width = XUnit.FromPoint(turned ? height : width);
                page.Height = XUnit.FromPoint(turned ? width : height);
                using var graphics = XGraphics.FromPdfPage(page, XGraphicsUnit.Point);
                structure.BeginElement(PdfIllustrationElementTag.Figure, alt(number), new XRect(0, 0, page.Width.Point, page.Height.Point));
                // A page shown turned clockwise by /Rotate is drawn turned the same way about the new page's corner.
                switch (rotate)
                {
                    case 90:
                        graphics.TranslateTransform(height, 0);
                        graphics.RotateTransform(90);
                        break;
                    case 180:
                        graphics.TranslateTransform(width, height);
                        graphics.RotateTransform(180);
                        break;
                    case 270:
                        graphics.TranslateTransform(0, width);
                        graphics.RotateTransform(270);
                        break;
                }

                graphics.DrawImage(form, 0, 0, width, height);
                structure.End();
                structure.EndMarkedContentsWithId();
            }

            return;
        }

        AppendImage(document, paper, pageSize, alt, structure);
    }

    /// <summary>
    /// The scan with its pages' /Rotate taken off, and each page's rotation (0, 90, 180 or 270, clockwise): the record turns
    /// the page itself (PDFsharp's form XObject of a turned page is placed off the page for 270 degrees).
    /// </summary>
    static (byte[] Scan, int[] Rotations) Upright(byte[] scan)
    {
        using var source = PdfReader.Open(new MemoryStream(scan, writable: false), PdfDocumentOpenMode.Modify);
        var pages = source.Pages.Cast<PdfPage>().ToList();
        var rotations = pages.Select(page => ((page.Elements.GetInteger("/Rotate") % 360) + 360) % 360).ToArray();
        if (rotations.All(r => r == 0))
        {
            return (scan, rotations);
        }

        foreach (var page in pages)
        {
            page.Elements.Remove("/Rotate");
        }

        using var output = new MemoryStream();
        source.Save(output, closeStream: false);
        return (output.ToArray(), rotations);
    }

    static void AppendImage(PdfDocument document, PaperForm paper, XSize pageSize, Func<int, string> alt, StructureBuilder structure)
    {
        var added = document.AddPage();
        added.Width = XUnit.FromPoint(pageSize.Width);
        added.Height = XUnit.FromPoint(pageSize.Height);
        using var image = XImage.FromStream(new MemoryStream(paper.Scan, writable: false));
        using var gfx = XGraphics.FromPdfPage(added);
        const double margin = 24;
        var (w0, h0) = (pageSize.Width - (2 * margin), pageSize.Height - (2 * margin));
        var scale = Math.Min(w0 / image.PixelWidth, h0 / image.PixelHeight);
        var (w, h) = (image.PixelWidth * scale, image.PixelHeight * scale);
        var (x, y) = ((pageSize.Width - w) / 2, (pageSize.Height - h) / 2);
        structure.BeginElement(PdfIllustrationElementTag.Figure, alt(1), new XRect(x, pageSize.Height - y - h, w, h));
        gfx.DrawImage(image, x, y, w, h);
        structure.End();
        structure.EndMarkedContentsWithId();
    }
}
