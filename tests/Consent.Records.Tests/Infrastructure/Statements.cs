namespace Consent.Records.Tests.Infrastructure;

/// <summary>Statement texts for sample records (Markdown, as the workflow templates are written).</summary>
static class Statements
{
    public const string CertificationEn = """
        By signing, I certify that:

        - I read each section of this form, or had it read to me.
        - I had the chance to ask questions, and my questions were answered.
        - I understand that I can refuse this treatment, or withdraw my consent at any time, even just before a dose.
        - I agree to receive this treatment.
        """;

    public const string CertificationEs = """
        Al firmar, certifico que:

        - Leí cada sección de este formulario, o me la leyeron.
        - Tuve la oportunidad de hacer preguntas, y me las respondieron.
        - Entiendo que puedo rechazar este tratamiento o retirar mi consentimiento en cualquier momento, incluso justo antes de una dosis.
        - Acepto recibir este tratamiento.
        """;

    public const string AttestationEn = """
        I attest that:

        - I discussed the risks, benefits and alternatives of this treatment with the patient.
        - I answered the patient's questions and assessed the risk of misuse.
        - I understand that signing with my password is my legally binding signature.
        """;

    public const string AttestationEs = """
        Declaro que:

        - Hablé con la paciente sobre los riesgos, beneficios y alternativas de este tratamiento.
        - Respondí sus preguntas y evalué el riesgo de uso indebido.
        - Entiendo que firmar con mi contraseña es mi firma legalmente vinculante.
        """;

    public const string WithdrawEn = """
        You can withdraw your consent at any time, even just before a dose. To withdraw, do one of these:

        - Tell any member of your care team in person.
        - Call the clinic at +1 207 555 0142.
        - Use the link in your copy of this form.

        Withdrawing does not affect any of your other care.
        """;

    public const string WithdrawEs = """
        Puede retirar su consentimiento en cualquier momento, incluso justo antes de una dosis. Para hacerlo:

        - Dígaselo en persona a cualquier miembro de su equipo de atención.
        - Llame a la clínica al +1 207 555 0142.
        - Use el enlace de su copia de este formulario.

        Retirar su consentimiento no afecta ninguna otra parte de su atención.
        """;

    public const string ReferralEn = """
        Thank you for your honest answers. You told us that you are pregnant, might be pregnant, or are breastfeeding.
        Ketamine may harm an unborn baby, so we will not go on with this consent form today.

        A member of your care team will contact you soon to talk about other treatment options.
        """;

    public const string ReferralEs = """
        Gracias por sus respuestas sinceras. Nos dijo que está embarazada, podría estarlo o está amamantando.
        La ketamina puede dañar al bebé antes de nacer, así que hoy no seguiremos con este formulario.

        Un miembro de su equipo de atención se comunicará con usted pronto para hablar de otras opciones.
        """;
}
