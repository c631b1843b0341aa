using System.Globalization;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;

namespace Consent.Web.UseCases.PatientRecords;

/// <summary>A patient's details as staff type them (register, or start a session with them).</summary>
public sealed record PatientDetailsInput(string? Name, string? DateOfBirth, string? Mrn, string? Email, string? PreferredLanguage = null);

/// <summary>A correction of a patient's details: the fields to change (absent ones stay) and why.</summary>
public sealed record PatientCorrectionInput(string? Name, string? DateOfBirth, string? Mrn, string? Email, string? PreferredLanguage, string? Reason);

/// <summary>A search of the clinic's patients by name (every word, forgiving accents and capitals) or exact MRN.</summary>
public sealed record PatientSearchInput(string? Query, int? Limit);

/// <summary>A patient as staff see them.</summary>
public sealed record PatientView(
    Guid Id, string Name, DateOnly DateOfBirth, string? Mrn, string? Email, string? PreferredLanguage, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PatientView Of(Patient p) => new(p.Id, p.Name, p.DateOfBirth, p.Mrn, p.Email, p.PreferredLanguage, p.CreatedAt, p.UpdatedAt);
}

/// <summary>The patients a search found, by name; <paramref name="More"/> when there were more than the limit.</summary>
public sealed record PatientSearchResult(IReadOnlyList<PatientView> Patients, bool More);

/// <summary>Checked, cleaned patient details.</summary>
public sealed record CleanPatientDetails(string Name, DateOnly DateOfBirth, string? Mrn, string? Email, string? PreferredLanguage);

/// <summary>The one set of rules for a patient's details, wherever they are typed (errors keyed <c>{prefix}name</c> and so on).</summary>
public static class PatientDetailsRules
{
    public const int NameLength = 200;
    public const int MrnLength = 64;

    /// <summary>Checks every field; the cleaned details, or the errors by field.</summary>
    /// <param name="input">What was typed.</param>
    /// <param name="prefix">The error keys' prefix: <c>patient.</c> inside a session start, empty for the patients API.</param>
    /// <param name="languages">The languages a preferred language may name (those of the workflows).</param>
    /// <param name="today">The clinic's date today: a date of birth cannot be later.</param>
    public static (CleanPatientDetails? Details, Dictionary<string, string[]> Errors) Check(
        PatientDetailsInput? input, string prefix, IReadOnlyCollection<string> languages, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (name, nameError) = TextInput.Clean(input?.Name, prefix + "name", NameLength);
        if (nameError is not null)
        {
            errors[prefix + "name"] = [nameError];
        }

        var dob = ParseDateOfBirth(input?.DateOfBirth, today);
        if (dob is null)
        {
            errors[prefix + "dateOfBirth"] = ["A date of birth in the past, as YYYY-MM-DD, is required."];
        }

        var (mrn, mrnError) = TextInput.Clean(input?.Mrn, prefix + "mrn", MrnLength, required: false);
        if (mrnError is not null)
        {
            errors[prefix + "mrn"] = [mrnError];
        }
        else if (mrn is not null && !IsMrn(mrn))
        {
            // A look-alike (a Cyrillic М, a fullwidth digit, a Unicode hyphen) would register a second patient
            // under what reads as the same MRN; MRNs are compared ignoring capitals (PatientRegistry).
            errors[prefix + "mrn"] = ["An MRN is written with the letters A to Z, digits, spaces and the signs - . / _ # only."];
        }

        var (email, emailError) = EmailInput.Clean(input?.Email, prefix + "email", required: false);
        if (emailError is not null)
        {
            errors[prefix + "email"] = [emailError];
        }

        var language = string.IsNullOrWhiteSpace(input?.PreferredLanguage) ? null : input.PreferredLanguage.Trim();
        if (language is not null && !languages.Contains(language))
        {
            errors[prefix + "preferredLanguage"] = [$"The preferred language must be one of: {string.Join(", ", languages)}."];
        }

        return errors.Count > 0 ? (null, errors) : (new CleanPatientDetails(name!, dob!.Value, mrn, email, language), errors);
    }

    /// <summary>True for an MRN of ASCII letters, digits, spaces and <c>- . / _ #</c>.</summary>
    public static bool IsMrn(string mrn) => mrn.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '.' or '/' or '_' or '#');

    /// <summary>The form MRNs are compared in: capitals ignored (the unique index is on <c>upper(mrn)</c>).</summary>
    public static string MrnKey(string mrn) => mrn.ToUpperInvariant();

    /// <summary>A date of birth as <c>YYYY-MM-DD</c>, from 1900 to today; null when it is not one.</summary>
    public static DateOnly? ParseDateOfBirth(string? text, DateOnly today) =>
        DateOnly.TryParseExact(text ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dob)
        && dob.Year >= 1900 && dob <= today ? dob : null;
}
