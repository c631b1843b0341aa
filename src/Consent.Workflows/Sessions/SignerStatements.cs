namespace Consent.Workflows;

/// <summary>
/// What each signer certifies, in the session's language. The patient signing their own consent certifies the workflow's
/// statement, as approved; the others certify the service's own statements below, the same for every workflow:
/// a representative consents on the patient's behalf (21 CFR 50.27(a)); the patient assents; an impartial witness attests
/// the whole discussion (21 CFR 50.27(b)(1)-(2)); an interpreter attests a faithful interpretation. Each signature's
/// content hash is the SHA-256 of the exact statement shown.
/// </summary>
public static class SignerStatements
{
    private sealed record Texts(
        string Representative, string Assent, string Witness, string Interpreter,
        string InPerson, string Phone, string Video, string English, string Spanish);

    private static readonly Dictionary<string, Texts> ByLanguage = new(StringComparer.Ordinal)
    {
        ["en"] = new(
            "I am the patient's legally authorized representative ({0}; {1}). I read this information, and my questions were answered. "
                + "On the patient's behalf, I agree to the treatment it describes. I know I may withdraw this consent at any time.",
            "This treatment was explained to me in a way I understand. I agree to take part.",
            "I was present while the information was explained, and the patient appeared to understand it and freely agreed. "
                + "I am impartial: I am not part of the care team, and I gain nothing from the patient's choice.",
            "I interpreted the whole session faithfully between {0} and {1}, {2}.",
            "in person", "by phone", "by video", "English", "Spanish"),
        ["es"] = new(
            "Soy el representante legalmente autorizado del paciente ({0}; {1}). Leí esta información y respondieron mis preguntas. "
                + "En nombre del paciente, acepto el tratamiento que describe. Sé que puedo retirar este consentimiento en cualquier momento.",
            "Me explicaron este tratamiento de una forma que entiendo. Acepto participar.",
            "Estuve presente mientras se explicó la información, y el paciente pareció entenderla y aceptó libremente. "
                + "Soy imparcial: no formo parte del equipo de atención y no gano nada con la decisión del paciente.",
            "Interpreté fielmente toda la sesión entre {0} y {1}, {2}.",
            "en persona", "por teléfono", "por video", "inglés", "español"),
    };

    /// <summary>The statement <paramref name="signer"/> certifies on <paramref name="step"/> in <paramref name="language"/>.</summary>
    public static string For(SignerKind signer, Signers signers, SignatureStep step, string language)
    {
        ArgumentNullException.ThrowIfNull(signers);
        ArgumentNullException.ThrowIfNull(step);
        var texts = TextsFor(language);
        return signer switch
        {
            SignerKind.Patient when signers.Representative is null => step.Statement.For(language),
            SignerKind.Patient => texts.Assent,
            SignerKind.Representative => string.Format(System.Globalization.CultureInfo.InvariantCulture, texts.Representative,
                signers.Representative?.Relationship, signers.Representative?.Authority),
            SignerKind.Witness => texts.Witness,
            SignerKind.Interpreter => string.Format(System.Globalization.CultureInfo.InvariantCulture, texts.Interpreter,
                LanguageName(language, texts), signers.Interpreter?.Language, Mode(signers.Interpreter?.Mode, texts)),
            _ => throw new ArgumentOutOfRangeException(nameof(signer)),
        };
    }

    /// <summary>The SHA-256 of the statement, the signature event's content hash.</summary>
    public static string HashFor(SignerKind signer, Signers signers, SignatureStep step, string language) =>
        ContentHashes.Of(For(signer, signers, step, language));

    private static Texts TextsFor(string language) => ByLanguage.GetValueOrDefault(language.Split('-')[0], ByLanguage["en"]);

    private static string LanguageName(string language, Texts texts) => language.Split('-')[0] switch
    {
        "es" => texts.Spanish,
        "en" => texts.English,
        _ => language,
    };

    private static string? Mode(string? mode, Texts texts) => mode switch
    {
        InterpretingModes.InPerson => texts.InPerson,
        InterpretingModes.Phone => texts.Phone,
        InterpretingModes.Video => texts.Video,
        _ => mode,
    };
}
