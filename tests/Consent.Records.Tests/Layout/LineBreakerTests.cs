using Consent.Records.Layout;
using CsCheck;

namespace Consent.Records.Tests.Layout;

/// <summary>Line breaking: spaces, hyphens and dashes, over-long words, styles, forced breaks.</summary>
public sealed class LineBreakerTests
{
    static readonly TextStyle Style = new(10); // 5 pt per character
    static readonly FixedWidthMeasure Measure = new();

    static List<string> Lines(string text, int charsPerLine) =>
        [.. LineBreaker.Break([new Run(text, Style)], charsPerLine * 5, Measure).Select(l => l.Text)];

    [Fact]
    public void Breaks_at_spaces_and_drops_the_space_at_the_line_end()
    {
        Assert.Equal(["the quick", "brown fox", "jumps"], Lines("the quick brown fox jumps", 10));
    }

    [Fact]
    public void Breaks_after_a_hyphen_inside_a_word_and_keeps_the_hyphen()
    {
        Assert.Equal(["a well-", "known risk"], Lines("a well-known risk", 10));
    }

    [Fact]
    public void Breaks_after_en_and_em_dashes()
    {
        Assert.Equal(["fifteen\u2013", "twenty"], Lines("fifteen\u2013twenty", 10));
        Assert.Equal(["treatment\u2014", "then rest"], Lines("treatment\u2014then rest", 10));
    }

    [Fact]
    public void Does_not_break_dates_or_negative_numbers_at_their_hyphens()
    {
        Assert.Equal(["on", "2026-11-27"], Lines("on 2026-11-27", 10));
    }

    [Fact]
    public void Splits_a_word_longer_than_the_line_between_characters()
    {
        var hash = "9c1d0f5e2b7a48c3a6e1";
        Assert.Equal(["hash", "9c1d0f5e", "2b7a48c3", "a6e1 end"], Lines("hash " + hash + " end", 8));
    }

    [Fact]
    public void Keeps_styles_as_separate_fragments_on_one_line()
    {
        var bold = Style.WithBold();
        var line = Assert.Single(LineBreaker.Break([new Run("Acknowledged ", bold), new Run("by checkbox", Style)], 500, Measure));
        Assert.Equal(2, line.Fragments.Count);
        Assert.Equal("Acknowledged ", line.Fragments[0].Text);
        Assert.Equal(65, line.Fragments[1].X);
    }

    [Fact]
    public void A_newline_forces_a_break_and_an_empty_line_keeps_its_height()
    {
        var lines = LineBreaker.Break([new Run("one\n\ntwo", Style)], 500, Measure);
        Assert.Equal(["one", "", "two"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.Equal(Style.LineHeight, l.Height));
    }

    [Fact]
    public void Line_height_follows_the_largest_run()
    {
        var line = Assert.Single(LineBreaker.Break([new Run("small ", Style), new Run("BIG", new TextStyle(20))], 500, Measure));
        Assert.Equal(20 * TextStyle.Leading, line.Height);
    }

    [Fact]
    public void No_line_is_wider_than_the_limit_and_no_text_is_lost()
    {
        var words = Gen.String[Gen.Char["abcdefghij-\u2013"], 1, 30];
        var texts = words.List[1, 12].Select(w => string.Join(' ', w));
        Gen.Select(texts, Gen.Int[3, 40]).Sample((text, chars) =>
        {
            var lines = LineBreaker.Break([new Run(text, Style)], chars * 5, Measure);
            Assert.All(lines, l => Assert.True(l.Width <= chars * 5 + 1e-9, $"'{l.Text}' wider than {chars}"));
            Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal), string.Concat(lines.Select(l => l.Text)).Replace(" ", "", StringComparison.Ordinal));
        }, iter: 300);
    }
}
