using System.Reflection;
using PdfSharp.Pdf;

namespace Consent.Records.Signing;

/// <summary>
/// Makes the embedded font programs of a document before it is saved.
/// </summary>
/// <remarks>
/// PDFsharp 6.2.4 makes each font's subset program (the /FontFile2 stream) in <c>PdfDocument.PrepareForSave</c>, which
/// runs inside <c>Save</c>, and compresses it there with its own Flate encoder. That encoder writes the two-byte zlib
/// header but no Adler-32 trailer, which RFC 1950 section 2.2 requires and ISO 32000-1 section 7.4.4 (FlateDecode, "zlib/
/// deflate compression") inherits. Until now every record was therefore saved twice: a draft with compression off, read
/// back so that its streams could be compressed properly, then saved again under the signature. A tagged record holds
/// about 590 objects, and writing, parsing and writing them again was most of the cost of a record
/// (docs/PERFORMANCE.md, section 11).
/// <para>
/// The font table's <c>PrepareForSave</c> is internal to PDFsharp, and it is safe to call before <c>Save</c>: each font
/// descriptor makes its program once (a <c>_prepared</c> flag), and <c>Save</c>'s own call then leaves the programs as
/// they are. It is reached here by reflection, once per process; the PDFsharp version is pinned in
/// Directory.Packages.props, and FontProgramsTests fails if an upgrade removes it, before any record is issued with it.
/// </para>
/// </remarks>
static class FontPrograms
{
    static readonly (Action<PdfDocument>? Prepare, string? Problem) Found = Find();

    /// <summary>True when this PDFsharp build offers what <see cref="Prepare"/> needs.</summary>
    internal static bool Available => Found.Prepare is not null;

    /// <summary>Makes every font program of <paramref name="document"/> now, uncompressed when NoCompression is set.</summary>
    public static void Prepare(PdfDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (Found.Prepare is not { } prepare)
        {
            throw new InvalidOperationException(
                $"This PDFsharp build cannot make font programs before saving ({Found.Problem}); records need PDFsharp 6.2.4, as Directory.Packages.props pins it.");
        }

        prepare(document);
    }

    static (Action<PdfDocument>?, string?) Find()
    {
        var table = typeof(PdfDocument).GetProperty("FontTable", BindingFlags.Instance | BindingFlags.NonPublic);
        var prepare = table?.PropertyType.GetMethod("PrepareForSave", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);
        if (table is null || prepare is null)
        {
            return (null, table is null ? "PdfDocument.FontTable is missing" : "PdfFontTable.PrepareForSave() is missing");
        }

        return (document => prepare.Invoke(table.GetValue(document), BindingFlags.DoNotWrapExceptions, binder: null, parameters: null, culture: null), null);
    }
}
