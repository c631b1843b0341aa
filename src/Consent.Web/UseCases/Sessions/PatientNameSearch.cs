using Consent.Web.Data.Entities;

namespace Consent.Web.UseCases.Sessions;

/// <summary>
/// The auditor's search by patient name, forgiving the way people type names: capitals, accents,
/// curly or straight apostrophes and hyphens do not matter, and every word typed must appear
/// somewhere in the name, in any order ("maria garcia" finds "María José García-López").
/// </summary>
/// <remarks>
/// Patient names are stored as typed, in plain text (consent_sessions.patient_name), so the folding
/// runs in the query: PostgreSQL's built-in <c>translate</c>, with no extension (unaccent) to
/// install. It reads every session in the other filters' range, which suits an auditor's occasional
/// search. The folding covers A to Z and the accented Latin letters of the clinic's languages; other
/// letters (Ł, Greek, Cyrillic) are compared as typed.
/// </remarks>
public static class PatientNameSearch
{
    // One plain character per folded one, position by position (translate's contract). Capitals
    // become small letters here too, so the query needs no lower() (whose result depends on the
    // database's locale) and C# folds exactly as PostgreSQL does.
    private const string Folded = "ABCDEFGHIJKLMNOPQRSTUVWXYZÁÀÂÄÃÅĀáàâäãåāÉÈÊËĒéèêëēÍÌÎÏĪíìîïīÓÒÔÖÕØŌóòôöõøōÚÙÛÜŪúùûüūÑñÇçÝýÿ’‘ʼ`´-‐‑–—";
    private const string Plain = "abcdefghijklmnopqrstuvwxyzaaaaaaaaaaaaaaeeeeeeeeeeiiiiiiiiiioooooooooooooouuuuuuuuuunnccyyy'''''     ";

    /// <summary>The words of a search, folded as the names are.</summary>
    public static IReadOnlyList<string> Words(string search) =>
        Fold(search).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>What the query compares: the text folded exactly as <see cref="Filter"/> folds the stored names.</summary>
    public static string Fold(string text)
    {
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var at = Folded.IndexOf(chars[i], StringComparison.Ordinal);
            chars[i] = at >= 0 ? Plain[at] : chars[i];
        }

        return new string(chars);
    }

    /// <summary>Sessions whose patient name holds every word of <paramref name="search"/>.</summary>
    public static IQueryable<ConsentSession> Filter(IQueryable<ConsentSession> sessions, string search)
    {
        foreach (var word in Words(search))
        {
            sessions = sessions.Where(s => Translate(s.PatientName, Folded, Plain).Contains(word));
        }

        return sessions;
    }

    /// <summary>
    /// The SQL that folds a patient's name once, when it is written: <c>patients.name_folded</c> is a stored
    /// generated column of it, so a search of 100,000 patients compares plain text instead of running
    /// <c>translate</c> on every row (docs/PERFORMANCE.md, section 7).
    /// </summary>
    public static string FoldedNameSql(string column) => $"translate({column}, '{Folded}', '{Plain.Replace("'", "''", StringComparison.Ordinal)}')";

    /// <summary>Patients whose name holds every word of <paramref name="search"/>.</summary>
    public static IQueryable<Patient> Filter(IQueryable<Patient> patients, string search)
    {
        foreach (var word in Words(search))
        {
            patients = patients.Where(p => p.NameFolded.Contains(word));
        }

        return patients;
    }

    /// <summary>PostgreSQL's <c>translate(text, from, to)</c>, mapped in <see cref="Data.ConsentDbContext"/>; only for queries.</summary>
    public static string Translate(string text, string from, string to) =>
        throw new InvalidOperationException("translate runs in PostgreSQL only.");
}
