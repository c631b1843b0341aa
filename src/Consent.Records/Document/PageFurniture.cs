using System.Globalization;
using Consent.Records.Layout;

namespace Consent.Records.Document;

/// <summary>The running header (clinic, document, session) and footer (workflow version, patient, page X of Y).</summary>
sealed class PageFurniture(ConsentRecord record, RecordLabels labels, PageGeometry page, ITextMeasure measure)
{
    static readonly TextStyle Style = Theme.Small with { Size = 7.5 };

    public IEnumerable<DrawOp> For(int pageNumber, int pageCount)
    {
        var left = page.Left;
        var right = page.Width - page.Right;
        var headerY = page.Top - 22;
        var footerY = page.Height - page.Bottom + 18;

        var session = $"{RecordComposer.DocumentTitle(record.Kind, labels)} \u00b7 {labels.Session} {record.SessionId}";
        var sessionWidth = measure.Width(session, Style);
        yield return new TextOp(left, headerY, Fit(record.Clinic.Name, right - left - sessionWidth - 16), Style with { Bold = true });
        yield return new TextOp(right - sessionWidth, headerY, session, Style);
        yield return new LineOp(left, headerY + 5, right, headerY + 5, 0.5, Theme.Rule);

        var pageText = string.Format(CultureInfo.InvariantCulture, labels.PageXOfY, pageNumber, pageCount);
        var pageWidth = measure.Width(pageText, Style);
        var workflow = $"{record.Workflow.Id} {labels.Version} {record.Workflow.Version} \u00b7 {record.Patient.Name}";
        yield return new LineOp(left, footerY - 10, right, footerY - 10, 0.5, Theme.Rule);
        yield return new TextOp(left, footerY, Fit(workflow, right - left - pageWidth - 16), Style);
        yield return new TextOp(right - pageWidth, footerY, pageText, Style with { Bold = true });
    }

    /// <summary>Shortens text with an ellipsis so header and footer parts never overlap.</summary>
    string Fit(string text, double width)
    {
        if (measure.Width(text, Style) <= width)
        {
            return text;
        }

        var length = text.Length;
        while (length > 1 && measure.Width(text[..length] + "\u2026", Style) > width)
        {
            length--;
        }

        return text[..length] + "\u2026";
    }
}
