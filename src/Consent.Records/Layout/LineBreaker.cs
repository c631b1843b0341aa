using System.Text;

namespace Consent.Records.Layout;

/// <summary>A text fragment in one style, placed at <see cref="X"/> from the start of its line.</summary>
sealed record LineFragment(string Text, TextStyle Style, double X, double Width);

/// <summary>One laid-out line: its fragments, total width and height, and the baseline offset from its top.</summary>
sealed record TextLine(IReadOnlyList<LineFragment> Fragments, double Width, double Height, double Baseline)
{
    public string Text => string.Concat(Fragments.Select(f => f.Text));
}

/// <summary>
/// Greedy line breaking of styled runs: breaks at spaces, after hyphens between letters and after
/// dashes; a word wider than the line is split between characters; "\n" forces a break.
/// </summary>
static class LineBreaker
{
    public static IReadOnlyList<TextLine> Break(IReadOnlyList<Run> runs, double maxWidth, ITextMeasure measure)
    {
        var length = 0;
        foreach (var run in runs)
        {
            length += run.Text.Length;
        }

        var text = new StringBuilder(length);
        var styles = new List<TextStyle>(length);
        foreach (var run in runs)
        {
            foreach (var c in run.Text)
            {
                if (c == '\r')
                {
                    continue;
                }

                text.Append(c == '\t' ? ' ' : c);
                styles.Add(run.Style);
            }
        }

        var fallback = runs.Count > 0 ? runs[0].Style : new TextStyle(10);
        var breaker = new Breaker(text.ToString(), styles, maxWidth, measure, fallback);
        return breaker.Run();
    }

    /// <summary>A word (with any break-after character) and the spaces that follow it, as index ranges.</summary>
    readonly record struct Token(int Start, int WordEnd, int End, bool HardBreak);

    sealed class Breaker(string text, List<TextStyle> styles, double maxWidth, ITextMeasure measure, TextStyle fallback)
    {
        readonly List<TextLine> _lines = [];
        readonly List<Token> _line = [];
        double _lineWidth;

        public List<TextLine> Run()
        {
            foreach (var token in Tokens())
            {
                Place(token);
                if (token.HardBreak)
                {
                    Flush(force: true, at: token.WordEnd);
                }
            }

            Flush(force: false, at: text.Length);
            return _lines;
        }

        void Place(Token token)
        {
            var word = Width(token.Start, token.WordEnd);
            var gap = _line.Count > 0 ? Width(_line[^1].WordEnd, _line[^1].End) : 0;
            if (_line.Count > 0 && _lineWidth + gap + word <= maxWidth)
            {
                _line.Add(token);
                _lineWidth += gap + word;
                return;
            }

            if (_line.Count > 0)
            {
                Flush(force: false, at: token.Start);
            }

            // A word wider than a whole line is split between characters (never inside a surrogate pair).
            var start = token.Start;
            while (Width(start, token.WordEnd) > maxWidth)
            {
                var cut = start + 1;
                while (cut < token.WordEnd)
                {
                    var next = char.IsHighSurrogate(text[cut]) ? cut + 2 : cut + 1;
                    if (next > token.WordEnd || Width(start, next) > maxWidth)
                    {
                        break;
                    }

                    cut = next;
                }

                if (cut < text.Length && char.IsLowSurrogate(text[cut]))
                {
                    cut++;
                }

                if (cut >= token.WordEnd)
                {
                    break;
                }

                _line.Add(new Token(start, cut, cut, false));
                Flush(force: false, at: cut);
                start = cut;
            }

            _line.Add(token with { Start = start });
            _lineWidth = Width(start, token.WordEnd);
        }

        void Flush(bool force, int at)
        {
            if (_line.Count == 0)
            {
                if (force)
                {
                    var style = at < styles.Count ? styles[at] : at > 0 ? styles[at - 1] : fallback;
                    _lines.Add(new TextLine([], 0, style.LineHeight, style.Baseline));
                }

                return;
            }

            _lines.Add(Compose(_line[0].Start, _line[^1].WordEnd));
            _line.Clear();
            _lineWidth = 0;
        }

        TextLine Compose(int start, int end)
        {
            var fragments = new List<LineFragment>();
            double x = 0, height = 0, baseline = 0;
            var i = start;
            while (i < end)
            {
                var style = styles[i];
                var j = i + 1;
                while (j < end && styles[j] == style)
                {
                    j++;
                }

                var piece = text[i..j];
                var width = measure.Width(piece, style);
                fragments.Add(new LineFragment(piece, style, x, width));
                x += width;
                height = Math.Max(height, style.LineHeight);
                baseline = Math.Max(baseline, style.Baseline);
                i = j;
            }

            if (fragments.Count == 0)
            {
                var style = start < styles.Count ? styles[start] : fallback;
                (height, baseline) = (style.LineHeight, style.Baseline);
            }

            return new TextLine(fragments, x, height, baseline);
        }

        double Width(int start, int end)
        {
            double width = 0;
            var i = start;
            while (i < end)
            {
                var j = i + 1;
                while (j < end && styles[j] == styles[i])
                {
                    j++;
                }

                width += measure.Width(text[i..j], styles[i]);
                i = j;
            }

            return width;
        }

        IEnumerable<Token> Tokens()
        {
            var start = 0;
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (c == '\n')
                {
                    yield return new Token(start, i, i + 1, true);
                    start = ++i;
                    continue;
                }

                if (c == ' ')
                {
                    var wordEnd = i;
                    while (i < text.Length && text[i] == ' ')
                    {
                        i++;
                    }

                    if (i < text.Length && text[i] == '\n')
                    {
                        yield return new Token(start, wordEnd, i + 1, true);
                        start = ++i;
                        continue;
                    }

                    yield return new Token(start, wordEnd, i, false);
                    start = i;
                    continue;
                }

                i++;
                if (BreaksAfter(i - 1) && i < text.Length && text[i] != ' ' && text[i] != '\n')
                {
                    yield return new Token(start, i, i, false);
                    start = i;
                }
            }

            if (start < text.Length)
            {
                yield return new Token(start, text.Length, text.Length, false);
            }
        }

        bool BreaksAfter(int i) => text[i] switch
        {
            // Hyphens break only inside words ("follow-up"), never in dates or numbers ("2026-11-27", "-5").
            '-' or '\u2010' => i > 0 && char.IsLetter(text[i - 1]) && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]),
            '\u2013' or '\u2014' => i > 0,
            '/' => i > 0 && i + 1 < text.Length && text[i + 1] != '/' && char.IsLetterOrDigit(text[i - 1]) && IsInsideLongWord(i),
            _ => false,
        };

        // Slashes break only in long tokens such as URLs or user agents, so "and/or" stays whole.
        bool IsInsideLongWord(int i)
        {
            var s = i;
            while (s > 0 && text[s - 1] != ' ' && text[s - 1] != '\n')
            {
                s--;
            }

            var e = i;
            while (e < text.Length && text[e] != ' ' && text[e] != '\n')
            {
                e++;
            }

            return e - s > 24;
        }
    }
}
