using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Consent.Records.Tests.Infrastructure;

/// <summary>Changes someone holding a signed record could make outside the signed bytes.</summary>
static partial class PdfEdits
{
    /// <summary>
    /// Appends a PDF incremental update (ISO 32000-1 §7.5.6) that gives the document a new information
    /// dictionary: readers then show the new values, while the signature over the original revision still verifies.
    /// </summary>
    public static byte[] AppendInfoUpdate(byte[] pdf, string entries)
    {
        var (root, size, previous) = LastTrailer(pdf);

        var update = new StringBuilder("\n");
        var objectAt = pdf.Length + update.Length;
        update.Append(CultureInfo.InvariantCulture, $"{size} 0 obj\n<<{entries}>>\nendobj\n");
        var xrefAt = pdf.Length + update.Length;
        // Each cross-reference entry is exactly 20 bytes: offset, generation, 'n', space, newline.
        update.Append(CultureInfo.InvariantCulture, $"xref\n{size} 1\n{objectAt:D10} 00000 n \n");
        update.Append(CultureInfo.InvariantCulture, $"trailer\n<</Size {size + 1}/Root {root} R/Info {size} 0 R/Prev {previous}>>\n");
        update.Append(CultureInfo.InvariantCulture, $"startxref\n{xrefAt}\n%%EOF\n");
        return [.. pdf, .. Encoding.ASCII.GetBytes(update.ToString())];
    }

    /// <summary>
    /// Appends an update whose cross-reference table lists object <paramref name="number"/> twice: first the definition
    /// <paramref name="shown"/> (the one qpdf and Poppler use), then <paramref name="decoy"/>, a checker that keeps the last
    /// entry would compare (a shadow attack found by an outside review).
    /// </summary>
    public static byte[] AppendShadowedObject(byte[] pdf, int number, string shown, string decoy)
    {
        var (root, size, previous) = LastTrailer(pdf);

        var update = new StringBuilder("\n");
        var shownAt = pdf.Length + update.Length;
        update.Append(CultureInfo.InvariantCulture, $"{number} 0 obj\n{shown}\nendobj\n");
        var decoyAt = pdf.Length + update.Length;
        update.Append(CultureInfo.InvariantCulture, $"{number} 0 obj\n{decoy}\nendobj\n");
        var xrefAt = pdf.Length + update.Length;
        update.Append(CultureInfo.InvariantCulture, $"xref\n{number} 1\n{shownAt:D10} 00000 n \n{number} 1\n{decoyAt:D10} 00000 n \n");
        update.Append(CultureInfo.InvariantCulture, $"trailer\n<</Size {size}/Root {root} R/Prev {previous}>>\n");
        update.Append(CultureInfo.InvariantCulture, $"startxref\n{xrefAt}\n%%EOF\n");
        return [.. pdf, .. Encoding.ASCII.GetBytes(update.ToString())];
    }

    /// <summary>The last trailer's root reference ("N G"), its /Size, and where its cross-reference section starts.</summary>
    private static (string Root, int Size, string Previous) LastTrailer(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var trailer = text[text.LastIndexOf("trailer", StringComparison.Ordinal)..];
        var root = Root().Match(trailer);
        var size = int.Parse(Size().Match(trailer).Groups[1].Value, CultureInfo.InvariantCulture);
        var previous = StartXref().Match(text[text.LastIndexOf("startxref", StringComparison.Ordinal)..]).Groups[1].Value;
        return ($"{root.Groups[1].Value} {root.Groups[2].Value}", size, previous);
    }

    /// <summary>Where the signature value (the /Contents hex string) lies: from '&lt;' to just after '&gt;', the gap the byte range leaves.</summary>
    public static (int Start, int End) SignatureValue(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var at = text.LastIndexOf("/ByteRange", StringComparison.Ordinal);
        var numbers = text[(text.IndexOf('[', at) + 1)..text.IndexOf(']', at)]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        return (numbers[1], numbers[2]);
    }

    [GeneratedRegex(@"/Root\s+(\d+)\s+(\d+)\s+R")]
    private static partial Regex Root();

    [GeneratedRegex(@"/Size\s+(\d+)")]
    private static partial Regex Size();

    [GeneratedRegex(@"startxref\s+(\d+)")]
    private static partial Regex StartXref();
}
