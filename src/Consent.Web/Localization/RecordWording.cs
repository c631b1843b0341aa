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

    public required string RepresentativeMeaning { get; init; }

    public required string AssentMeaning { get; init; }

    public required string WitnessMeaning { get; init; }

    public required string InterpreterMeaning { get; init; }

    /// <summary>How a patient who cannot write signed.</summary>
    public required string MarkSignature { get; init; }

    /// <summary>The representative's standing ({0}: relationship, {1}: authority, {2}: how their identity was checked, or empty).</summary>
    public required string RepresentativeDetails { get; init; }

    /// <summary>How their identity was checked, appended to <see cref="RepresentativeDetails"/> ({0}).</summary>
    public required string IdentityCheckedBy { get; init; }

    /// <summary>The interpreter's standing ({0}: language, {1}: mode, {2}: qualification or ID).</summary>
    public required string InterpreterDetails { get; init; }

    /// <summary>Added to the clinician's attestation, naming who signed and in what capacity ({0}: the list).</summary>
    public required string AttestationSigners { get; init; }

    /// <summary>The modes of interpreting (in-person, phone, video), as the record says them.</summary>
    public required IReadOnlyDictionary<string, string> InterpretingModes { get; init; }

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
        RepresentativeMeaning = "I give informed consent on the patient's behalf, as their legally authorized representative.",
        AssentMeaning = "I agree to take part (the patient's assent).",
        WitnessMeaning = "I witnessed the whole discussion, and the patient appeared to understand it and freely agreed.",
        InterpreterMeaning = "I interpreted the whole session faithfully.",
        MarkSignature = "mark drawn by the patient before the witness",
        RepresentativeDetails = "{0}; authority: {1}{2}",
        IdentityCheckedBy = "; identity checked by: {0}",
        InterpreterDetails = "{0}, {1}; qualification: {2}",
        AttestationSigners = "Signed by: {0}.",
        InterpretingModes = new Dictionary<string, string> { ["in-person"] = "in person", ["phone"] = "by phone", ["video"] = "by video" },
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
        RepresentativeMeaning = "Doy el consentimiento informado en nombre del paciente, como su representante legalmente autorizado.",
        AssentMeaning = "Acepto participar (asentimiento del paciente).",
        WitnessMeaning = "Presencié toda la conversación, y el paciente pareció entenderla y aceptó libremente.",
        InterpreterMeaning = "Interpreté fielmente toda la sesión.",
        MarkSignature = "marca dibujada por el paciente ante el testigo",
        RepresentativeDetails = "{0}; autoridad: {1}{2}",
        IdentityCheckedBy = "; identidad comprobada con: {0}",
        InterpreterDetails = "{0}, {1}; acreditación: {2}",
        AttestationSigners = "Firmaron: {0}.",
        InterpretingModes = new Dictionary<string, string> { ["in-person"] = "en persona", ["phone"] = "por teléfono", ["video"] = "por video" },
    };

    /// <summary>The wording for a session language; English for languages without a translation.</summary>
    public static RecordWording For(string language) =>
        Consent.Records.RecordLabels.For(language).Language == "es" ? Spanish : English;
}
