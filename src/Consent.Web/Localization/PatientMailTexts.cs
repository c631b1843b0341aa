namespace Consent.Web.Localization;

/// <summary>What patient mail says, in English and Spanish. Subjects never carry anything about the patient.</summary>
public sealed record PatientMailTexts
{
    public required string InvitationSubject { get; init; }

    public required string InvitationBody { get; init; }

    /// <summary>The invitation to a legally authorized representative, who decides for the patient (the subject names nobody).</summary>
    public required string RepresentativeSubject { get; init; }

    /// <summary>{0} clinic, {1} link, {2} date the link stops working, {3} the representative's name, {4} the patient's name.</summary>
    public required string RepresentativeBody { get; init; }

    /// <summary>A dose-day check-in's invitation: a few questions before today's dose, not a consent form.</summary>
    public required string CheckinSubject { get; init; }

    /// <summary>{0} clinic, {1} link, {2} date the link stops working.</summary>
    public required string CheckinBody { get; init; }

    public required string ReminderSubject { get; init; }

    /// <summary>{0} clinic, {1} link, {2} date the link stops working.</summary>
    public required string ReminderBody { get; init; }

    public required string CopySubject { get; init; }

    public required string WithdrawalCopySubject { get; init; }

    public required string SummaryCopySubject { get; init; }

    /// <summary>Subject of the mailed copy of a dose-day check-in record.</summary>
    public required string CheckinCopySubject { get; init; }

    public required string CopyBody { get; init; }

    public required string Contact { get; init; }

    public required string Signature { get; init; }

    /// <summary>{0} clinic, {1} link, {2} date the link stops working.</summary>
    public static PatientMailTexts English { get; } = new()
    {
        InvitationSubject = "Your consent form is ready",
        InvitationBody = """
            Hello,

            {0} has prepared a consent form for your treatment. Please read it at your own pace, on your phone or computer:

            {1}

            You will be asked for your date of birth first. The link works until {2}. You can stop and come back later with the same link.
            You can ask the care team questions on every page, and you can say no at any point.
            """,
        RepresentativeSubject = "A consent form for you to review as a representative",
        RepresentativeBody = """
            Hello {3},

            {0} has prepared a consent form for {4}'s treatment. As {4}'s legally authorized representative, you are asked to read it
            and decide on their behalf, at your own pace, on your phone or computer:

            {1}

            You will be asked for {4}'s date of birth first. The link works until {2}. You can stop and come back later with the same link.
            You can ask the care team questions on every page, and you can say no at any point.
            """,
        CheckinSubject = "Questions before your treatment today",
        CheckinBody = """
            Hello,

            {0} asks you to answer a few short questions before your treatment today. It takes about a minute:

            {1}

            You will be asked for your date of birth first. The link works until {2}.
            If you do not agree to the treatment today, you can say so there. That is your choice.
            """,
        ReminderSubject = "A reminder: your consent form is waiting",
        ReminderBody = """
            Hello,

            You asked us to remind you about the consent form from {0}. Everything you did so far is saved. To go on where you stopped:

            {1}

            You will be asked for your date of birth again. The link works until {2}.
            You can ask the care team questions on every page, and you can say no at any point.
            """,
        CopySubject = "Your copy of your signed consent",
        WithdrawalCopySubject = "Your copy of your consent withdrawal",
        SummaryCopySubject = "Your copy of your consent session summary",
        CheckinCopySubject = "Your copy of your check-in record",
        CopyBody = """
            Hello,

            Attached is your copy of the record from {0} (a PDF file). Please keep it.
            The file is digitally signed by the clinic: any change to it makes the signature invalid.
            """,
        Contact = "Questions? Call us at {0}.",
        Signature = "This message was sent automatically; please do not reply to it.",
    };

    public static PatientMailTexts Spanish { get; } = new()
    {
        InvitationSubject = "Su formulario de consentimiento está listo",
        InvitationBody = """
            Hola:

            {0} preparó un formulario de consentimiento para su tratamiento. Léalo a su propio ritmo, en su teléfono o computadora:

            {1}

            Primero se le pedirá su fecha de nacimiento. El enlace funciona hasta el {2}. Puede detenerse y volver más tarde con el mismo enlace.
            En cada página puede hacer preguntas al equipo de atención, y puede decir que no en cualquier momento.
            """,
        RepresentativeSubject = "Un formulario de consentimiento para revisar como representante",
        RepresentativeBody = """
            Hola, {3}:

            {0} preparó un formulario de consentimiento para el tratamiento de {4}. Como representante legalmente autorizado de {4},
            se le pide que lo lea y decida en su nombre, a su propio ritmo, en su teléfono o computadora:

            {1}

            Primero se le pedirá la fecha de nacimiento de {4}. El enlace funciona hasta el {2}. Puede detenerse y volver más tarde con el mismo enlace.
            En cada página puede hacer preguntas al equipo de atención, y puede decir que no en cualquier momento.
            """,
        CheckinSubject = "Preguntas antes de su tratamiento de hoy",
        CheckinBody = """
            Hola:

            {0} le pide que responda unas preguntas cortas antes de su tratamiento de hoy. Toma cerca de un minuto:

            {1}

            Primero se le pedirá su fecha de nacimiento. El enlace funciona hasta el {2}.
            Si hoy no está de acuerdo con el tratamiento, puede decirlo allí. Es su decisión.
            """,
        ReminderSubject = "Un recordatorio: su formulario de consentimiento le espera",
        ReminderBody = """
            Hola:

            Nos pidió que le recordáramos el formulario de consentimiento de {0}. Todo lo que hizo hasta ahora está guardado. Para seguir donde lo dejó:

            {1}

            Se le pedirá de nuevo su fecha de nacimiento. El enlace funciona hasta el {2}.
            En cada página puede hacer preguntas al equipo de atención, y puede decir que no en cualquier momento.
            """,
        CopySubject = "Su copia de su consentimiento firmado",
        WithdrawalCopySubject = "Su copia del retiro de su consentimiento",
        SummaryCopySubject = "Su copia del resumen de su sesión de consentimiento",
        CheckinCopySubject = "Su copia del registro de su verificación antes de la dosis",
        CopyBody = """
            Hola:

            Adjuntamos su copia del registro de {0} (un archivo PDF). Por favor, consérvela.
            El archivo está firmado digitalmente por la clínica: cualquier cambio invalida la firma.
            """,
        Contact = "¿Tiene preguntas? Llámenos al {0}.",
        Signature = "Este mensaje se envió automáticamente; por favor, no responda.",
    };

    /// <summary>The texts for a session language; English for languages without a translation.</summary>
    public static PatientMailTexts For(string language) =>
        Consent.Records.RecordLabels.For(language).Language == "es" ? Spanish : English;
}
