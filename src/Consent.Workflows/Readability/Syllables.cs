using System.Text.RegularExpressions;

namespace Consent.Workflows;

/// <summary>Syllable counting heuristics for English and Spanish words.</summary>
internal static partial class Syllables
{
    /// <summary>Vowel groups, less a silent final <c>e</c>/<c>es</c>/<c>ed</c>; at least one.</summary>
    public static int English(string word)
    {
        var w = word.ToLowerInvariant().Replace("'", "", StringComparison.Ordinal).Replace("’", "", StringComparison.Ordinal);
        if (w.All(char.IsDigit))
        {
            return Math.Max(1, w.Length);
        }
        if (w.Length <= 3)
        {
            return 1;
        }
        w = SilentEnding().Replace(w, "");
        w = w.StartsWith('y') ? w[1..] : w;
        return Math.Max(1, EnglishVowels().Count(w));
    }

    /// <summary>
    /// Vowel nuclei: a new syllable starts at a vowel after a consonant, or at a strong vowel
    /// (a, e, o, or an accented í/ú) after another strong vowel (hiatus). Weak vowels join diphthongs.
    /// </summary>
    public static int Spanish(string word)
    {
        var w = word.ToLowerInvariant();
        if (w.All(char.IsDigit))
        {
            return Math.Max(1, w.Length);
        }
        var count = 0;
        char? previous = null;
        for (var i = 0; i < w.Length; i++)
        {
            var c = w[i];
            // Final y after a vowel closes a diphthong (hoy, muy); elsewhere y is a consonant.
            var vowel = IsSpanishVowel(c) || (c == 'y' && i == w.Length - 1 && previous is not null);
            if (!vowel)
            {
                previous = null;
                continue;
            }
            if (previous is null || (IsStrong(previous.Value) && IsStrong(c)))
            {
                count++;
            }
            previous = c;
        }
        return Math.Max(1, count);
    }

    private static bool IsSpanishVowel(char c) => "aeiouáéíóúü".Contains(c, StringComparison.Ordinal);

    private static bool IsStrong(char c) => "aeoáéóíú".Contains(c, StringComparison.Ordinal);

    [GeneratedRegex("(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")]
    private static partial Regex SilentEnding();

    [GeneratedRegex("[aeiouy]{1,2}")]
    private static partial Regex EnglishVowels();
}
