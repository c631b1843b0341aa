using System.Globalization;
using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Identity;

/// <summary>
/// What NIST SP 800-63B section 5.1.1.2 asks a verifier to refuse beyond a length of 12 (set in IdentityRegistration):
/// a commonly used password (a common word or keyboard run padded with digits or symbols, "password1234"), one made of
/// a single repeated or sequential run, and context-specific words - the account's email address or its part before
/// the @, the account holder's whole name, and the service's own name. Applies to every password a person chooses: an
/// invitation, a reset link, a change.
/// </summary>
public sealed class StaffPasswordRules : IPasswordValidator<StaffUser>
{
    /// <summary>Bases of the passwords most often found in breach corpora, and keyboard runs; a password that is one of these, repeated or padded, is refused.</summary>
    private static readonly HashSet<string> CommonBases = new(StringComparer.Ordinal)
    {
        "password", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "qwerty", "qwertyuiop", "asdfghjkl", "zxcvbnm", "letmein", "welcome",
        "admin", "administrator", "iloveyou", "monkey", "dragon", "football", "baseball", "sunshine", "princess", "trustno1",
        "changeme", "secret", "master", "abc", "abcdef", "abcdefgh", "login", "hello", "shadow", "superman", "starwars",
        "whatever", "freedom", "qazwsx", "1q2w3e4r", "q1w2e3r4", "default", "temp", "test", "user", "guest", "clinic", "doctor", "nurse",
    };

    private static readonly string[] ServiceWords = ["consent"];

    /// <summary>
    /// The lists Dropbox's zxcvbn ships (package zxcvbn-core, MIT), read once from the package: the 30,000 passwords found
    /// most often in breach corpora (Burnett's 10-million-password set, ranked) - NIST SP 800-63B 5.1.1.2's "passwords
    /// obtained from previous breach corpuses" - and, for its "dictionary words", the 30,000 commonest English words and
    /// the commonest US first names and surnames (zxcvbn keeps each word in one list only, so "jennifer" is a name there,
    /// not a password, though it is both).
    /// </summary>
    private static readonly Lazy<HashSet<string>> Guessable = new(() =>
    {
        var assembly = typeof(Zxcvbn.Zxcvbn).Assembly;
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { "passwords", "english", "male_names", "female_names", "surnames" })
        {
            using var list = assembly.GetManifestResourceStream($"zxcvbn-core.Dictionaries.{name}.lst")
                ?? throw new InvalidOperationException($"The zxcvbn-core package no longer holds its {name} list.");
            using var reader = new StreamReader(list);
            words.UnionWith(reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return words;
    });

    /// <summary>
    /// The password, or what it pads with digits, symbols and spaces of any script, is a breached password or a single
    /// dictionary word or name: as typed, without its spaces, with common letter-for-digit swaps undone ("Jenn1fer!2024"), or
    /// as one of those repeated ("Jennifer Jennifer", "M0nkey-M0nkey-1"). Several unrelated words are fine ("sonyericsson2024",
    /// "Leave me alone!", "Jennifer#12345", "Jennifer|2024|" are not).
    /// </summary>
    private static bool IsBreached(string folded, string core)
    {
        var candidates = new List<string> { folded, core, WithoutRepeatedEdges(core) };
        candidates.AddRange(candidates.Select(c => c.Replace(" ", "", StringComparison.Ordinal)).ToList());
        candidates.AddRange(candidates.Select(Unswapped).ToList());
        candidates.AddRange(candidates.Select(c => new string([.. c.Where(char.IsLetter)])).ToList());
        return candidates.Any(c => c.Length > 0 && (Guessable.Value.Contains(c) || IsRepeatOfGuessable(c)));
    }

    /// <summary>
    /// The text without a run of one or two letters repeated at either end ("日日日日password日日", "ДаДаДаpasswordДаДа", "passwordpasswordéé"):
    /// letters as padding, which the trim of digits and symbols keeps.
    /// </summary>
    private static string WithoutRepeatedEdges(string text)
    {
        static int Run(string s, int unit)
        {
            if (s.Length < unit * 2)
            {
                return 0;
            }

            var length = unit;
            while (length + unit <= s.Length && string.CompareOrdinal(s, length, s, 0, unit) == 0)
            {
                length += unit;
            }

            return length >= unit * 2 ? length : 0;
        }

        string Trimmed(string s) => Math.Max(Run(s, 1), Run(s, 2)) is var cut and > 0 ? s[cut..] : s;
        var front = Trimmed(text);
        var back = new string([.. Trimmed(new string([.. front.Reverse()])).Reverse()]);
        return back;
    }

    /// <summary>The usual swaps of a digit or symbol for a letter undone: 0 o, 1 i, 3 e, 4 a, 5 s, 7 t, @ a, $ s.</summary>
    private static string Unswapped(string text) => string.Concat(text.Select(c => c switch
    {
        '0' => 'o', '1' => 'i', '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '@' => 'a', '$' => 's', _ => c,
    }));

    /// <summary>The text is one guessable word written two or more times over ("jenniferjennifer").</summary>
    private static bool IsRepeatOfGuessable(string text)
    {
        for (var length = 3; length <= text.Length / 2; length++)
        {
            if (text.Length % length == 0 && Guessable.Value.Contains(text[..length])
                && string.Concat(Enumerable.Repeat(text[..length], text.Length / length)) == text)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The longest password taken: far beyond any passphrase (NIST asks for at least 64), short of making hashing a burden; the sign-in form takes as many.</summary>
    public const int MaxLength = 200;

    public Task<IdentityResult> ValidateAsync(UserManager<StaffUser> manager, StaffUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var folded = password.ToLower(CultureInfo.InvariantCulture);
        var errors = new List<IdentityError>();
        if (password.Length > MaxLength)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PasswordTooLong",
                Description = $"Use at most {MaxLength} characters.",
            }));
        }

        // What the password pads: without digits, symbols and spaces of any script at either end.
        var core = new string([.. folded.SkipWhile(c => !char.IsLetter(c)).Reverse().SkipWhile(c => !char.IsLetter(c)).Reverse()]);
        if (core.Length == 0 || CommonBases.Contains(core) || IsRepeatOfCommon(core) || IsRun(folded) || IsBreached(folded, core))
        {
            errors.Add(new IdentityError
            {
                Code = "PasswordCommon",
                Description = "This password is too easy to guess: it is a common password, or a word or run of keys padded with numbers. "
                    + "Use a few unrelated words, a sentence, or a password manager.",
            });
        }

        var email = user.Email?.ToLower(CultureInfo.InvariantCulture);
        var words = Words(folded);
        // The Development demo accounts share one password the person running the demo chose (CONSENT_DEMO_PASSWORD),
        // whatever it says: "admin" or "clinician" in it is not about any one of them.
        var demo = DemoAccounts.Accounts.Any(a => string.Equals(a.Email, user.Email, StringComparison.OrdinalIgnoreCase));
        if (!demo && ((email is { Length: > 0 } && folded.Contains(email, StringComparison.Ordinal))
            || Holds(words, Words(email?.Split('@')[0]))
            || Holds(words, Words(user.DisplayName?.ToLower(CultureInfo.InvariantCulture)))
            || ServiceWords.Any(w => core == w || core.Replace(w, "", StringComparison.Ordinal).Length < 4)))
        {
            errors.Add(new IdentityError
            {
                Code = "PasswordPersonal",
                Description = "The password must not contain your email address, your name or the service's name.",
            });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    /// <summary>The runs of letters in the text, in order ("dr. ana ruiz" gives dr, ana, ruiz).</summary>
    private static string[] Words(string? text) =>
        text is null ? [] : System.Text.RegularExpressions.Regex.Split(text, "[^\\p{L}]+").Where(w => w.Length > 0).ToArray();

    /// <summary>
    /// True when the password's words hold the context's words (a name, an email's local part) as a run of whole words, or run
    /// together as one word, once titles of two letters or fewer are left out and when those words make at least four letters:
    /// "Ana Ruiz 2026" and "anaruiz!" hold the name Dr. Ana Ruiz; "another clinician" does not hold "Other Clinician".
    /// </summary>
    private static bool Holds(string[] password, string[] context)
    {
        var parts = context.Where(w => w.Length > 2).ToArray();
        if (parts.Length == 0 || parts.Sum(p => p.Length) < 4)
        {
            return false;
        }

        for (var i = 0; i + parts.Length <= password.Length; i++)
        {
            if (parts.Select((p, j) => password[i + j] == p).All(x => x))
            {
                return true;
            }
        }

        // The name run together as one word ("anaruiz").
        return parts.Length > 1 && password.Contains(string.Concat(parts), StringComparer.Ordinal);
    }

    private static bool IsRepeatOfCommon(string core) =>
        CommonBases.Any(b => b.Length >= 3 && core.Length % b.Length == 0 && string.Concat(Enumerable.Repeat(b, core.Length / b.Length)) == core);

    /// <summary>The whole password one character repeated with a short period, or an ascending or descending run ("123456789012", "abcabcabcabc").</summary>
    private static bool IsRun(string text)
    {
        for (var period = 1; period <= 4; period++)
        {
            if (text.Length >= period * 3 && Enumerable.Range(period, text.Length - period).All(i => text[i] == text[i - period]))
            {
                return true;
            }
        }

        var ascending = Enumerable.Range(1, text.Length - 1).All(i => (text[i] - text[i - 1] + 10) % 10 == 1 || text[i] - text[i - 1] == 1);
        var descending = Enumerable.Range(1, text.Length - 1).All(i => (text[i - 1] - text[i] + 10) % 10 == 1 || text[i - 1] - text[i] == 1);
        return text.Length > 1 && (ascending || descending);
    }
}
