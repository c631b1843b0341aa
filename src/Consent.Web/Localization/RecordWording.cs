namespace Consent.Web.Localization;

/// <summary>The sentences a record needs beyond the renderer's labels (signature meanings, methods, outcomes), in English and Spanish.</summary>
public sealed record RecordWording
{
    public required string IdentityMethod { get; init; }

    public required string PatientMeaning { get; init; }

    public required string ClinicianMeaning { get; init; }

    public required string DrawnSignature { get; init; }

    public required string TypedSignature { get; init; }

    public required string PasswordReentry { get; init; }

    public required string Declined { get; init; }

    public required string Referred { get; init; }

    public required string Withdrawn { get; init; }

    /// <summary>After the registered name, when the patient typed another and the clinician confirmed who signed ({0}: the registered name).</summary>
    public required string NameConfirmed { get; init; }

    /// <summary>After the registered name, when the patient typed another and no clinician has confirmed it.</summary>
    public required string NameNotConfirmed { get; init; }

    /// <summary>The meaning of an ethics reviewer's approval of the workflow version, printed with the reviewer's name and time.</summary>
    public required string ApprovedForUse { get; init; }

    public static RecordWording English { get; } = new()
    {
        ApprovedForUse = Consent.Web.WorkflowVersions.SignatureMeanings.Approved,
        IdentityMethod = "date of birth",
        PatientMeaning = "I give my informed consent to the treatment described.",
        ClinicianMeaning = "I attest that the patient was informed, had their questions answered and consented voluntarily.",
        DrawnSignature = "typed name and drawn signature",
        TypedSignature = "typed name",
        PasswordReentry = "password re-entry",
        Declined = "The patient declined to give consent.",
        Referred = "The session ended with a referral.",
        Withdrawn = "The patient withdrew the consent given earlier.",
        NameConfirmed = "{0}: differs from the typed name; the countersigning clinician confirmed that the registered patient signed.",
        NameNotConfirmed = "{0}: differs from the typed name; not confirmed by a clinician.",
    };

    public static RecordWording Spanish { get; } = new()
    {
        ApprovedForUse = "Aprobado para su uso con pacientes",
        IdentityMethod = "fecha de nacimiento",
        PatientMeaning = "Doy mi consentimiento informado para el tratamiento descrito.",
        ClinicianMeaning = "Declaro que el paciente fue informado, recibió respuesta a sus preguntas y dio su consentimiento de forma voluntaria.",
        DrawnSignature = "nombre escrito y firma dibujada",
        TypedSignature = "nombre escrito",
        PasswordReentry = "nueva introducción de la contraseña",
        Declined = "El paciente no dio su consentimiento.",
        Referred = "La sesión terminó con una derivación.",
        Withdrawn = "El paciente retiró el consentimiento que había dado.",
        NameConfirmed = "{0}: distinto del nombre escrito; el profesional clínico que refrendó confirmó que firmó el paciente registrado.",
        NameNotConfirmed = "{0}: distinto del nombre escrito; ningún profesional clínico lo ha confirmado.",
    };

    /// <summary>The wording for a session language; English for languages without a translation.</summary>
    public static RecordWording For(string language) =>
        Consent.Records.RecordLabels.For(language).Language == "es" ? Spanish : English;
}
