using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace Consent.Records;

/// <summary>
/// Scans of signed paper consent forms: what a file is, judged by its content and not its name (PDF, JPEG or PNG), and its
/// pages placed after a paper consent record's cover (PDFsharp imports a PDF's pages as they are; an image gets a page of its
/// own, scaled to fit within a margin and centred).
/// </summary>
public static class PaperScans
{
    /// <summary>The largest scan taken: 20 MB.</summary>
    public const int MaxBytes = 20 * 1024 * 1024;

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
                return source.PageCount > 0 ? source.PageCount : null;
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

    /// <summary>Adds the scan's pages to the end of <paramref name="document"/>.</summary>
    internal static void Append(PdfDocument document, PaperForm paper, XSize pageSize)
    {
        if (paper.ContentType == "application/pdf")
        {
            using var source = PdfReader.Open(new MemoryStream(paper.Scan, writable: false), PdfDocumentOpenMode.Import);
            foreach (var page in source.Pages)
            {
                document.AddPage(page);
            }

            return;
        }

        var added = document.AddPage();
        added.Width = XUnit.FromPoint(pageSize.Width);
        added.Height = XUnit.FromPoint(pageSize.Height);
        using var image = XImage.FromStream(new MemoryStream(paper.Scan, writable: false));
        using var graphics = XGraphics.FromPdfPage(added);
        const double margin = 24;
        var (width, height) = (pageSize.Width - (2 * margin), pageSize.Height - (2 * margin));
        var scale = Math.Min(width / image.PixelWidth, height / image.PixelHeight);
        var (w, h) = (image.PixelWidth * scale, image.PixelHeight * scale);
        graphics.DrawImage(image, (pageSize.Width - w) / 2, (pageSize.Height - h) / 2, w, h);
    }
}
