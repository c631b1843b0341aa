using Consent.Records.Document;
using Consent.Records.Layout;
using Consent.Records.Signing;
using PdfSharp.Pdf;

namespace Consent.Records;

/// <summary>Renders a <see cref="ConsentRecord"/> as a PDF clinical document, unsigned or signed (PAdES B-B).</summary>
public static class ConsentRecordPdf
{
    /// <summary>The record as an unsigned PDF whose streams are all standard zlib (checks clean with qpdf).</summary>
    public static byte[] Render(ConsentRecord record, RecordRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var document = RenderDocument(record, options ?? RecordRenderOptions.Default);
        return PdfStreams.Finish(document, record.IssuedAt, Seed(record));
    }

    /// <summary>The record as a signed PDF: rendered, then signed by <paramref name="signer"/> at <see cref="ConsentRecord.IssuedAt"/>.</summary>
    public static byte[] RenderSigned(ConsentRecord record, RecordSigner signer, RecordRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(signer);
        var labels = (options ?? RecordRenderOptions.Default).Labels ?? RecordLabels.For(record.Workflow.Language);
        using var document = RenderDocument(record, options ?? RecordRenderOptions.Default);
        return signer.Sign(document, record.IssuedAt, $"{RecordComposer.DocumentTitle(record.Kind, labels)}: {RecordComposer.KindTitle(record.Kind, labels)}", record.Clinic.Name, Seed(record));
    }

    /// <summary>What the document ids are derived from: one record, one set of ids.</summary>
    static byte[] Seed(ConsentRecord record) =>
        System.Text.Encoding.UTF8.GetBytes($"{record.SessionId}/{record.Kind}/{record.IssuedAt.UtcTicks}");

    /// <summary>The page count the record will have, for tests and previews.</summary>
    internal static int CountPages(ConsentRecord record, RecordRenderOptions? options = null) => Pages(record, options).Count;

    /// <summary>The laid-out pages (what is drawn where, before the running header and footer), for tests.</summary>
    internal static IReadOnlyList<LaidOutPage> Pages(ConsentRecord record, RecordRenderOptions? options = null)
    {
        using var measure = new PdfTextMeasure();
        return Layout(record, options ?? RecordRenderOptions.Default, measure).Pages;
    }

    /// <summary>
    /// Lays out and paints the record into a PDFsharp document, not yet saved, with PDFsharp's own compression off: the
    /// single save that follows (<see cref="PdfStreams.Finish"/> or <see cref="RecordSigner"/>) compresses every stream
    /// with proper zlib first. The caller disposes the document.
    /// </summary>
    internal static PdfDocument RenderDocument(ConsentRecord record, RecordRenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var measure = new PdfTextMeasure();
        var (pages, geometry, labels) = Layout(record, options, measure);
        var document = new PdfDocument();
        try
        {
            Paint(document, record, options, measure, pages, geometry, labels);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    static void Paint(PdfDocument document, ConsentRecord record, RecordRenderOptions options, PdfTextMeasure measure,
        List<LaidOutPage> pages, PageGeometry geometry, RecordLabels labels)
    {
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        // Tagged PDF (ISO 14289-1): the structure tree, /MarkInfo /Marked true, /ViewerPreferences /DisplayDocTitle true,
        // and /Lang on the catalog in the record's language. PDFsharp's manager is attached before the first page.
        var tagging = PdfSharp.UniversalAccessibility.UAManager.ForDocument(document);
        tagging.SetDocumentLanguage(record.Workflow.Language);
        RecordInfo.Write(document, record, labels);
        OutputIntent.Add(document);
        var furniture = new PageFurniture(record, labels, geometry, measure);
        PagePainter.Paint(document, pages, geometry, measure, furniture.For, tagging.StructureBuilder);
        if (record.Paper is { } paper)
        {
            // A paper consent: the scan's pages follow the cover, inside the signed document, so the signature covers them.
            PaperScans.Append(document, paper, new PdfSharp.Drawing.XSize(geometry.Width, geometry.Height),
                page => string.Format(System.Globalization.CultureInfo.InvariantCulture, labels.AltScannedPage, page), tagging.StructureBuilder);
        }

        EmbeddedFiles.Add(document, options.Attachments, record.IssuedAt);
    }

    static (List<LaidOutPage> Pages, PageGeometry Geometry, RecordLabels Labels) Layout(ConsentRecord record, RecordRenderOptions options, PdfTextMeasure measure)
    {
        var labels = options.Labels ?? RecordLabels.For(record.Workflow.Language);
        var geometry = record.Kind == RecordKind.Checkin ? PageGeometry.For(options.Paper).Compact() : PageGeometry.For(options.Paper);
        var blocks = new RecordComposer(record, labels, options.CheckUrl).Compose();
        var layout = new BlockLayout(measure, geometry.BodyWidth, geometry.BodyHeight - 40);
        layout.Add(blocks);
        return (Paginator.Paginate(layout.Units, geometry.Left, geometry.Top, geometry.BodyHeight), geometry, labels);
    }
}
