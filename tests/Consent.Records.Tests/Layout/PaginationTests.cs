using Consent.Records.Layout;

namespace Consent.Records.Tests.Layout;

/// <summary>Pagination: table headers repeat, headings stay with what follows, page breaks, page X of Y.</summary>
public sealed class PaginationTests
{
    static readonly FixedWidthMeasure Measure = new();

    static List<LaidOutPage> Paginate(IEnumerable<Block> blocks, double bodyHeight = 200)
    {
        var layout = new BlockLayout(Measure, 300, bodyHeight - 20);
        layout.Add(blocks);
        return Paginator.Paginate(layout.Units, 0, 0, bodyHeight);
    }

    static TableCell Cell(string text) => new([new Run(text, Theme.TableText)]);

    [Fact]
    public void A_table_header_repeats_at_the_top_of_every_page_the_table_spans()
    {
        var rows = Enumerable.Range(1, 40).Select(i => (IReadOnlyList<TableCell>)[Cell($"row {i}"), Cell("value")]).ToList();
        var pages = Paginate([new TableBlock([1, 1], [Cell("Question"), Cell("Answer")], rows)]);

        Assert.True(pages.Count > 2);
        Assert.All(pages, p => Assert.Equal("table-header", p.Tags[0]));
        Assert.All(pages, p => Assert.Single(p.Tags, t => t == "table-header"));
        var texts = pages.SelectMany(p => p.Ops.OfType<TextOp>()).Select(t => t.Text).ToList();
        Assert.Equal(40, texts.Count(t => t.StartsWith("row ", StringComparison.Ordinal)));
        Assert.Equal(pages.Count, texts.Count(t => t == "Question"));
    }

    [Fact]
    public void A_heading_never_ends_a_page_it_moves_to_the_next_with_its_text()
    {
        var filler = new ParagraphBlock([new Run(string.Join(' ', Enumerable.Repeat("word", 100)), Theme.Body)]);
        var blocks = new List<Block> { filler, new HeadingBlock("Section", 1), new ParagraphBlock([new Run("first line of the section", Theme.Body)]) };
        for (var extra = 0; extra < 60; extra++)
        {
            var pages = Paginate(blocks);
            foreach (var page in pages)
            {
                Assert.NotEqual("heading", page.Tags[^1]);
            }

            var headingPage = pages.FindIndex(p => p.Tags.Contains("heading"));
            var sectionText = pages.FindIndex(p => p.Ops.OfType<TextOp>().Any(t => t.Text.StartsWith("first line", StringComparison.Ordinal)));
            Assert.Equal(headingPage, sectionText);
            blocks.Insert(0, new ParagraphBlock([new Run("x", Theme.Body)]));
        }
    }

    /// <summary>
    /// A bilingual record's caption says one thing in two languages over four lines; the widow rule alone let
    /// it split between the languages (seen on a Spanish record: Spanish at a page's foot, English on the next).
    /// </summary>
    [Fact]
    public void A_paragraph_kept_together_is_never_split_across_pages()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 60));
        var caption = new ParagraphBlock([new Run($"alpha {words} omega", Theme.Body)]) { KeepTogether = true };
        for (var filler = 1; filler < 40; filler++)
        {
            var blocks = Enumerable.Range(0, filler).Select(i => (Block)new ParagraphBlock([new Run($"filler {i}", Theme.Body)])).Append(caption);
            var pages = Paginate(blocks);
            var holding = pages.Where(p => p.Ops.OfType<TextOp>().Any(t => t.Text.Contains("alpha", StringComparison.Ordinal)
                || t.Text.Contains("word", StringComparison.Ordinal) || t.Text.Contains("omega", StringComparison.Ordinal))).ToList();
            Assert.True(pages.SelectMany(p => p.Ops.OfType<TextOp>()).Count(t => t.Text.Contains("word", StringComparison.Ordinal)) >= 4, "the caption is four lines or more");
            Assert.Single(holding);
        }
    }

    [Fact]
    public void A_page_break_starts_a_new_page_and_space_is_dropped_at_the_top()
    {
        var pages = Paginate([
            new ParagraphBlock([new Run("before", Theme.Body)]),
            new PageBreakBlock(),
            new ParagraphBlock([new Run("after", Theme.Body)]) { SpaceBefore = 30 },
        ]);

        Assert.Equal(2, pages.Count);
        var after = pages[1].Ops.OfType<TextOp>().Single();
        Assert.True(after.Baseline < 20, "space before the first line of a page is dropped");
    }

    [Fact]
    public void Rows_taller_than_a_page_are_split_between_lines_and_nothing_overflows()
    {
        var tall = string.Join(' ', Enumerable.Repeat("word", 400));
        var pages = Paginate([new TableBlock([1], [Cell("Header")], [[Cell(tall)]])]);

        Assert.True(pages.Count > 1);
        Assert.All(pages.SelectMany(p => p.Ops.OfType<TextOp>()), t => Assert.True(t.Baseline <= 200));
        var words = pages.SelectMany(p => p.Ops.OfType<TextOp>()).Where(t => t.Text != "Header").Sum(t => t.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(400, words);
    }

    [Fact]
    public void Lists_put_bullets_or_numbers_before_the_first_line_of_each_item()
    {
        var items = new[] { "first", "second", "third" }.Select(t => (IReadOnlyList<Block>)[new ParagraphBlock([new Run(t, Theme.Body)])]).ToList();
        var bullets = Paginate([new ListBlock(items, Numbered: false)]).Single().Ops.OfType<TextOp>().Where(t => t.Text == "\u2022").ToList();
        var numbers = Paginate([new ListBlock(items, Numbered: true, Start: 4)]).Single().Ops.OfType<TextOp>().Select(t => t.Text).ToList();

        Assert.Equal(3, bullets.Count);
        Assert.Contains("4.", numbers);
        Assert.Contains("6.", numbers);
    }

    [Fact]
    public void Signature_strokes_are_scaled_into_the_box_keeping_their_shape()
    {
        var ops = SignatureLayout.Strokes([[(0, 0), (1000, 500)], [(500, 250)]], 10, 20, 200, 60).Cast<PolylineOp>().ToList();

        Assert.Equal(2, ops.Count);
        var points = ops.SelectMany(o => o.Points).ToList();
        Assert.All(points, p => Assert.InRange(p.X, 10, 210));
        Assert.All(points, p => Assert.InRange(p.Y, 20, 80));
        var (a, b) = (ops[0].Points[0], ops[0].Points[1]);
        Assert.Equal(2.0, (b.X - a.X) / (b.Y - a.Y), 6);
    }
}
