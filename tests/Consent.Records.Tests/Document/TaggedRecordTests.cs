using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Consent.Records.Tests.Infrastructure;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Consent.Records.Tests.Document;

/// <summary>
/// Records a screen reader can read (tagged PDF, ISO 14289-1 / PDF/UA-1 structure): every record, signed or not, is tagged;
/// its structure tree has headings, paragraphs, lists, tables and figures with alternative text in the record's language;
/// the clinic's reference wording carries the clinic's language; running headers and footers are artifacts. Read back with
/// pdfinfo and qpdf, not with our own parser.
/// </summary>
public sealed partial class TaggedRecordTests
{
    static readonly Lazy<byte[]> Bilingual = new(() => ConsentRecordPdf.RenderSigned(
        SampleRecords.SpanishForEnglishClinic(), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options));

    static readonly Lazy<byte[]> Checkin = new(() => ConsentRecordPdf.RenderSigned(
        SampleRecords.Checkin("en", deviceKind: "clinic tablet"), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options));

    static readonly Lazy<byte[]> PaperPdf = new(() => ConsentRecordPdf.RenderSigned(Paper(ScanPdf(2), "application/pdf", 2), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options));

    static readonly Lazy<byte[]> PaperImage = new(() => ConsentRecordPdf.RenderSigned(Paper(TinyPng.Logo(60, 80), "image/png", 1), new RecordSigner(Certificates.Ecdsa), SignedSamples.Options));

    public static TheoryData<string> Samples => ["en", "es", "bilingual", "checkin", "paper-pdf", "paper-image", "unsigned"];

    internal static byte[] Sample(string name) => name switch
    {
        "en" or "es" => SignedSamples.Pdf(name),
        "bilingual" => Bilingual.Value,
        "checkin" => Checkin.Value,
        "paper-pdf" => PaperPdf.Value,
        "paper-image" => PaperImage.Value,
        "unsigned" => ConsentRecordPdf.Render(SampleRecords.Full("en"), SignedSamples.Options),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Pdfinfo_says_every_record_is_tagged(string sample)
    {
        var result = ExternalTool.Run("pdfinfo", ExternalTool.TempFile(Sample(sample)));
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Matches(new Regex(@"^Tagged:\s+yes$", RegexOptions.Multiline), result.Output);
    }

    [Theory]
    [InlineData("paper-pdf")]
    [InlineData("paper-image")]
    [InlineData("bilingual")]
    [InlineData("checkin")]
    public void Qpdf_checks_clean_and_pdfsig_finds_a_valid_signature(string sample)
    {
        var path = ExternalTool.TempFile(Sample(sample));
        var check = ExternalTool.Run("qpdf", "--check", path);
        Assert.True(check.ExitCode == 0, check.All);
        Assert.DoesNotContain("WARNING", check.All, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Signature is Valid.", ExternalTool.Run("pdfsig", path).All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public void The_catalog_is_marked_with_the_record_language_and_shows_its_title(string language)
    {
        var pdf = QpdfObjects.Read(SignedSamples.Pdf(language));
        Assert.Equal(language, QpdfObjects.Text(pdf.Get(pdf.Catalog, "/Lang")));
        Assert.True(pdf.Get(pdf.Catalog, "/MarkInfo")!.Value.GetProperty("/Marked").GetBoolean());
        Assert.True(pdf.Get(pdf.Catalog, "/ViewerPreferences")!.Value.GetProperty("/DisplayDocTitle").GetBoolean());
        Assert.NotNull(pdf.Get(pdf.Catalog, "/StructTreeRoot"));
        var info = ExternalTool.Run("pdfinfo", ExternalTool.TempFile(SignedSamples.Pdf(language))).Output;
        Assert.Matches(new Regex(@"^Title:\s+\S.+$", RegexOptions.Multiline), info);
    }

    [Fact]
    public void The_structure_tree_has_headings_paragraphs_lists_tables_and_figures_in_reading_order()
    {
        var pdf = QpdfObjects.Read(SignedSamples.Pdf("en"));
        var tree = pdf.StructureTree();
        var document = Assert.Single(tree.Kids);
        Assert.Equal("Document", document.Role);
        var all = document.DescendantsAndSelf().ToList();
        var roles = all.Select(e => e.Role).ToHashSet();
        foreach (var role in new[] { "H1", "H2", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD", "Figure" })
        {
            Assert.Contains(role, roles);
        }

        // The document title is the one H1, and comes before every section heading.
        var h1 = Assert.Single(all, e => e.Role == "H1");
        Assert.True(all.IndexOf(h1) < all.FindIndex(e => e.Role == "H2"));

        // Tables are rows of cells; lists are items of a label and a body.
        Assert.All(all.Where(e => e.Role == "Table"), t => Assert.All(t.Kids, r => Assert.Equal("TR", r.Role)));
        Assert.All(all.Where(e => e.Role == "TR"), r => Assert.All(r.Kids, c => Assert.Contains(c.Role, (string[])["TH", "TD"])));
        Assert.All(all.Where(e => e.Role == "L"), l => Assert.All(l.Kids, i => Assert.Equal("LI", i.Role)));
        Assert.All(all.Where(e => e.Role == "LI"), i => Assert.Equal(["Lbl", "LBody"], i.Kids.Select(k => k.Role)));

        // Figures say what they show.
        var record = SampleRecords.Full("en");
        var figures = all.Where(e => e.Role == "Figure").ToList();
        Assert.All(figures, f => Assert.False(string.IsNullOrWhiteSpace(f.Alt)));
        foreach (var signer in record.Signatures.Where(s => s.Strokes.Count > 0))
        {
            Assert.Contains(figures, f => f.Alt == $"Handwritten signature of {signer.PrintedName}, drawn on screen");
        }

        Assert.Contains(figures, f => f.Alt == $"QR code linking to {SignedSamples.CheckUrl}");
    }

    [Fact]
    public void Spanish_alternative_texts_are_in_Spanish()
    {
        var figures = QpdfObjects.Read(SignedSamples.Pdf("es")).StructureTree().DescendantsAndSelf().Where(e => e.Role == "Figure").ToList();
        var signer = SampleRecords.Full("es").Signatures.First(s => s.Strokes.Count > 0);
        Assert.Contains(figures, f => f.Alt == $"Firma manuscrita de {signer.PrintedName}, dibujada en la pantalla");
        Assert.Contains(figures, f => f.Alt == $"Código QR que enlaza a {SignedSamples.CheckUrl}");
    }

    [Fact]
    public void The_clinic_reference_wording_is_tagged_with_the_clinic_language()
    {
        var pdf = QpdfObjects.Read(Bilingual.Value);
        Assert.Equal("es", QpdfObjects.Text(pdf.Get(pdf.Catalog, "/Lang")));
        var all = pdf.StructureTree().DescendantsAndSelf().ToList();
        var english = all.Where(e => e.Lang == "en").ToList();
        Assert.True(english.Count >= SampleRecords.SpanishForEnglishClinic().Disclosures.Count, $"{english.Count} elements in English");
        Assert.All(english, e => Assert.Contains(e.Role, (string[])["Div", "P", "L"]));
    }

    [Fact]
    public void A_logo_is_a_figure_with_the_clinic_name()
    {
        var record = SampleRecords.Full("en") with { Clinic = SampleRecords.Full("en").Clinic with { Logo = TinyPng.Logo() } };
        var pdf = QpdfObjects.Read(ConsentRecordPdf.Render(record));
        Assert.Contains(pdf.StructureTree().DescendantsAndSelf(), e => e.Role == "Figure" && e.Alt == $"Logo of {record.Clinic.Name}");
    }

    [Theory]
    [InlineData("paper-pdf", 2)]
    [InlineData("paper-image", 1)]
    public void Each_page_of_a_paper_scan_is_a_figure(string sample, int scanPages)
    {
        var pdf = QpdfObjects.Read(Sample(sample));
        var pages = pdf.Pages();
        var figures = pdf.StructureTree().DescendantsAndSelf().Where(e => e.Role == "Figure" && e.Alt?.StartsWith("Scanned page", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(Enumerable.Range(1, scanPages).Select(n => $"Scanned page {n} of the signed paper form"), figures.Select(f => f.Alt));
        Assert.Equal(pages.TakeLast(scanPages), figures.Select(f => Assert.Single(f.Pages.Distinct())));
    }

    [Theory]
    [InlineData(90)]
    [InlineData(180)]
    [InlineData(270)]
    public void A_scanned_page_shown_turned_stays_turned_and_readable(int rotate)
    {
        var pdf = ConsentRecordPdf.RenderSigned(Paper(ScanPdf(1, rotate), "application/pdf", 1), new RecordSigner(Certificates.Ecdsa));
        var path = ExternalTool.TempFile(pdf);
        var pages = ExternalTool.Run("qpdf", "--show-npages", path).Output.Trim();
        var info = ExternalTool.Run("pdfinfo", "-f", pages, "-l", pages, path).Output;
        // The scan's pages are A4 (PDFsharp's default), 595 x 842 points.
        Assert.Contains(rotate == 180 ? "595 x 842 pts" : "842 x 595 pts", info, StringComparison.Ordinal);
        var text = ExternalTool.Run("pdftotext", "-f", pages, "-l", pages, "-enc", "UTF-8", path, "-").Output;
        Assert.Contains("PAPER FORM PAGE 1", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("checkin")]
    [InlineData("paper-pdf")]
    public void Running_headers_and_footers_are_artifacts_and_all_other_text_is_tagged(string sample)
    {
        var pdf = QpdfObjects.Read(Sample(sample));
        var pages = pdf.Pages();
        var coverPages = sample == "paper-pdf" ? pages.Count - 2 : pages.Count;
        foreach (var page in pages.Take(coverPages))
        {
            var (artifactText, taggedText, untagged) = TextOperators(pdf.PageContent(page));
            // Header: clinic and session; footer: workflow and patient, page X of Y.
            Assert.True(artifactText >= 4, $"{page}: {artifactText} text operators in artifacts");
            Assert.True(taggedText > 0, $"{page}: no tagged text");
            Assert.Equal(0, untagged);
        }
    }

    [Fact]
    public void Pdftotext_still_reads_the_title_before_the_summary_and_the_signatures_after_the_disclosures()
    {
        var text = ExternalTool.Run("pdftotext", "-enc", "UTF-8", ExternalTool.TempFile(SignedSamples.Pdf("en")), "-").Output;
        var record = SampleRecords.Full("en");
        var title = text.IndexOf("Informed consent record", StringComparison.Ordinal);
        var summary = text.IndexOf("Summary", StringComparison.Ordinal);
        var disclosure = text.IndexOf(record.Disclosures[^1].Title, StringComparison.Ordinal);
        var signer = text.IndexOf(record.Signatures[0].PrintedName, disclosure, StringComparison.Ordinal);
        Assert.True(title >= 0 && title < summary && summary < disclosure && disclosure < signer, $"{title} {summary} {disclosure} {signer}");
    }

    /// <summary>Counts text-showing operators inside artifacts, inside tagged marked content, and outside any marked content.</summary>
    static (int Artifact, int Tagged, int Untagged) TextOperators(string content)
    {
        var stack = new Stack<bool>();
        var (artifact, tagged, untagged) = (0, 0, 0);
        foreach (Match m in ContentOperator().Matches(content))
        {
            var op = m.Groups["op"].Value;
            switch (op)
            {
                case "BDC" or "BMC":
                    stack.Push(m.Groups["tag"].Value == "/Artifact" || (stack.Count > 0 && stack.Peek()));
                    break;
                case "EMC":
                    stack.Pop();
                    break;
                default:
                    if (stack.Count == 0)
                    {
                        untagged++;
                    }
                    else if (stack.Peek())
                    {
                        artifact++;
                    }
                    else
                    {
                        tagged++;
                    }

                    break;
            }
        }

        return (artifact, tagged, untagged);
    }

    [GeneratedRegex(@"(?<tag>/[A-Za-z0-9]+)\s*(?:<<[^<>]*>>)?\s*(?<op>BDC|BMC)\b|\b(?<op>EMC|Tj|TJ)\b")]
    private static partial Regex ContentOperator();

    internal static ConsentRecord Paper(byte[] scan, string contentType, int pages)
    {
        var record = SampleRecords.Full("en");
        return record with
        {
            Paper = new PaperForm(scan, contentType, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(scan)), pages, new DateOnly(2026, 11, 27)),
        };
    }

    /// <summary>A scanned form as a PDF of <paramref name="pages"/> pages, each saying which page it is.</summary>
    internal static byte[] ScanPdf(int pages, int rotate = 0)
    {
        Consent.Records.Fonts.RecordFonts.EnsureInstalled();
        using var document = new PdfDocument();
        for (var i = 1; i <= pages; i++)
        {
            var page = document.AddPage();
            page.Rotate = rotate;
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawString($"PAPER FORM PAGE {i}", new XFont("Liberation Sans", 20), XBrushes.Black, 72, 120);
        }

        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }
}
