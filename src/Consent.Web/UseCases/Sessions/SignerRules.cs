using Consent.Web.Sessions;
using Consent.Workflows;

namespace Consent.Web.UseCases.Sessions;

/// <summary>
/// Checks who signs, as a clinician enters them at the start (<see cref="StartSession"/>): every field a problem names,
/// nothing stored until all are right.
/// </summary>
public static class SignerRules
{
    public const int NameLength = 200;
    public const int TextLength = 300;

    /// <param name="input">What the clinician sent.</param>
    /// <param name="patientName">The patient's name (registered or entered), which a witness must not share.</param>
    /// <param name="clinicianName">The starting clinician's display name, which a witness must not share either.</param>
    /// <param name="errors">Errors by field, added to.</param>
    public static Signers Check(StartSession input, string? patientName, string? clinicianName, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        Representative? representative = null;
        if (input.Representative is { } r)
        {
            var name = Text(r.Name, "representative.name", NameLength, errors, "Enter the representative's full name.");
            var relationship = Text(r.Relationship, "representative.relationship", 100, errors, "Enter how the representative is related to the patient (for example daughter, spouse, guardian).");
            var authority = Text(r.Authority, "representative.authority", TextLength, errors,
                "Enter the basis of the representative's authority: a health-care power of attorney, a court-appointed guardianship, or surrogacy under state law.");
            var check = Text(r.IdentityCheck, "representative.identityCheck", TextLength, errors, null);
            var (email, emailError) = EmailInput.Clean(r.Email, "representative.email", required: false);
            if (emailError is not null)
            {
                errors["representative.email"] = [emailError];
            }
            if (name is not null && patientName is not null && PersonNames.Compare(name, patientName) == NameCheck.Same)
            {
                errors["representative.name"] = ["A representative signs for the patient, so they are someone else: this is the patient's name."];
            }
            if (name is not null && relationship is not null && authority is not null)
            {
                representative = new Representative(name, relationship, authority, email, check);
            }
        }

        if (input.Assent is true && input.Representative is null)
        {
            errors["assent"] = ["The patient's assent is asked for only when a legally authorized representative consents; without one, the patient signs the consent."];
        }

        Witness? witness = null;
        if (input.Witness is { } w && Text(w.Name, "witness.name", NameLength, errors, "Enter the impartial witness's full name.") is { } witnessName)
        {
            // An impartial witness is neither the patient, the person obtaining consent, nor the patient's representative (21 CFR 50.27(b)(1)-(2)).
            if (patientName is not null && PersonNames.Match(witnessName, patientName))
            {
                errors["witness.name"] = ["The witness cannot be the patient: an impartial witness is someone else, present for the whole session."];
            }
            else if (clinicianName is not null && PersonNames.Match(witnessName, clinicianName))
            {
                errors["witness.name"] = ["The witness cannot be the clinician obtaining consent: an impartial witness is not part of the care team."];
            }
            else if (representative is not null && PersonNames.Match(witnessName, representative.Name))
            {
                errors["witness.name"] = ["The witness cannot be the patient's representative: an impartial witness gains nothing from the decision."];
            }
            else
            {
                witness = new Witness(witnessName);
            }
        }
        else if (input.Witness is not null && !errors.ContainsKey("witness.name"))
        {
            errors["witness.name"] = ["Enter the impartial witness's full name."];
        }

        Interpreter? interpreter = null;
        if (input.Interpreter is { } i)
        {
            var name = Text(i.Name, "interpreter.name", NameLength, errors, "Enter the interpreter's full name.");
            var language = Text(i.Language, "interpreter.language", 100, errors, "Enter the language the interpreter interpreted into (for example Vietnamese).");
            var qualification = Text(i.Qualification, "interpreter.qualification", TextLength, errors,
                "Enter the interpreter's qualification or ID (for example a certification number or an agency's interpreter ID).");
            var mode = i.Mode is { } m && InterpretingModes.All.Contains(m) ? m : null;
            if (mode is null)
            {
                errors["interpreter.mode"] = [$"The mode is one of: {string.Join(", ", InterpretingModes.All)}."];
            }
            if (name is not null && language is not null && qualification is not null && mode is not null)
            {
                interpreter = new Interpreter(name, language, qualification, mode);
            }
        }

        return new Signers(representative, witness, interpreter, input.Assent is true && representative is not null);
    }

    private static string? Text(string? value, string field, int length, Dictionary<string, string[]> errors, string? missing)
    {
        var (clean, error) = TextInput.Clean(value, field, length, required: missing is not null);
        if (error is not null)
        {
            errors[field] = [clean is null && string.IsNullOrWhiteSpace(value) && missing is not null ? missing : error];
            return null;
        }

        return clean;
    }
}
