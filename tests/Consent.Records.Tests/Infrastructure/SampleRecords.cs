using System.Security.Cryptography;
using System.Text;

namespace Consent.Records.Tests.Infrastructure;

/// <summary>Realistic records: every one of the 18 risk disclosures the shipped workflows present, in English or Spanish, with a full audit trail.</summary>
static class SampleRecords
{
    public static readonly string[] DisclosureNames =
    [
        "off-label", "dissociation", "perception", "sedation", "breathing", "blood-pressure", "nausea", "misuse",
        "misuse-with-history", "cognition", "driving", "monitoring", "bladder", "mood", "pregnancy", "long-term",
        "alternatives", "rights",
    ];

    public static readonly Guid SessionId = Guid.Parse("6f1c2a4e-8b3d-4c7a-9e21-5d0b7f3a91c4");

    static readonly DateTimeOffset Start = new(2026, 11, 27, 19, 3, 0, TimeSpan.Zero);

    public static TimeZoneInfo NewYork { get; } = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static ConsentRecord Full(string language = "en", RecordKind kind = RecordKind.Consent)
    {
        var es = language == "es";
        var t = Start;
        DateTimeOffset Next(int minutes = 1) => t = t.AddMinutes(minutes);
        var disclosures = DisclosureNames.Select((name, i) =>
        {
            var body = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "templates", "disclosures", language, name + ".md"));
            var title = body.Split('\n')[0].TrimStart('#', ' ').Trim();
            return new DisclosureAcknowledgment(
                title, body, Sha256(body), Next(), i % 4 == 3 ? AcknowledgmentMethod.Initials : AcknowledgmentMethod.Checkbox, i % 4 == 3 ? "MJG" : null);
        }).ToList();

        var events = new List<AuditEvent>();
        string previous = new('0', 64);
        void Event(string type, string actor, DateTimeOffset at)
        {
            previous = Sha256(previous + type + at.ToUnixTimeMilliseconds());
            var patient = actor == "patient";
            events.Add(new AuditEvent(events.Count + 1, type, at, actor,
                patient ? "203.0.113.47" : "10.20.0.15",
                patient ? "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
                        : "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                previous));
        }

        Event("SessionCreated", "clinician:dr.okafor", Start);
        Event("IdentityVerified", "patient", Start.AddMinutes(1));
        Event("AnswersRecorded", "patient", Start.AddMinutes(2));
        foreach (var d in disclosures)
        {
            Event("DisclosureAcknowledged", "patient", d.AcknowledgedAt);
        }

        Event("ComprehensionAttempted", "patient", Next());
        Event("ComprehensionAttempted", "patient", Next());
        Event("QuestionAsked", "patient", Next());
        Event("QuestionAnswered", "clinician:dr.okafor", Next(3));
        Event("DiscussionRecorded", "clinician:dr.okafor", Next());
        Event("PatientSigned", "patient", Next(2));
        Event("ClinicianCountersigned", "clinician:dr.okafor", Next(4));
        var issued = Next();

        return new ConsentRecord
        {
            Kind = kind,
            Clinic = new ClinicDetails("Riverside Interventional Psychiatry", ["1200 Harbor Street, Suite 4", "Portland, ME 04101"], "+1 207 555 0142"),
            SessionId = SessionId,
            Patient = new PatientDetails(es ? "María José García Núñez" : "Margaret J. O'Brien-Whitfield", new DateOnly(1984, 3, 9), "MRN-0048213"),
            Workflow = new WorkflowReference("ketamine-iv-depression", 3,
                es ? "Ketamina intravenosa para la depresión" : "Intravenous ketamine for depression", language,
                "9c1d0f5e2b7a48c3a6e1d4f7b2c5a8e0d3f6b9c2e5a8d1f4b7c0e3a6d9f2b5c8"),
            TimeZone = NewYork,
            StartedAt = Start,
            EndedAt = issued,
            IssuedAt = issued,
            IdentityCheck = new IdentityCheck(Start.AddMinutes(1), es ? "fecha de nacimiento" : "date of birth", 1),
            ScreeningAnswers =
            [
                new(es ? "¿Tiene, o ha tenido alguna vez, un problema con el alcohol o las drogas?" : "Do you have, or have you ever had, a problem with alcohol or drug use?", es ? "Sí" : "Yes", Start.AddMinutes(2)),
                new(es ? "¿Está embarazada, podría estarlo o está amamantando?" : "Are you pregnant, might you be pregnant, or are you breastfeeding?", "No", Start.AddMinutes(2)),
                new(es ? "¿Toma algún medicamento que le dé sueño o haga más lenta su respiración (benzodiacepinas, opioides, pastillas para dormir)?" : "Do you take any medicine that makes you sleepy or slows your breathing (such as benzodiazepines, opioid pain medicines or sleep medicines)?", "No", Start.AddMinutes(2)),
                new(es ? "¿Alguien podrá llevarle a casa después de cada sesión?" : "Will someone be able to take you home after each treatment session?", es ? "Sí" : "Yes", Start.AddMinutes(2)),
            ],
            Disclosures = disclosures,
            Comprehension = new ComprehensionCheck(
            [
                new(1, Start.AddMinutes(22), [
                    new(es ? "¿Puede conducir a casa después de una sesión?" : "Can you drive yourself home after a session?", es ? "Sí" : "Yes", false),
                    new(es ? "¿Cuánto tiempo se quedará en la clínica después de una dosis?" : "How long will you stay in the clinic after a dose?", es ? "Al menos dos horas" : "At least two hours", true),
                ]),
                new(2, Start.AddMinutes(23), [
                    new(es ? "¿Puede conducir a casa después de una sesión?" : "Can you drive yourself home after a session?", "No", true),
                    new(es ? "¿Cuánto tiempo se quedará en la clínica después de una dosis?" : "How long will you stay in the clinic after a dose?", es ? "Al menos dos horas" : "At least two hours", true),
                    new(es ? "¿Puede dejar el tratamiento cuando quiera?" : "Can you stop treatment whenever you want?", es ? "Sí" : "Yes", true),
                ]),
            ], Passed: true),
            Questions =
            [
                new(es ? "¿Puedo tomar mi medicina para la presión la mañana del tratamiento? ¿Y si olvido tomarla?" : "Can I take my blood pressure pill on the morning of treatment? What if I forget it?",
                    Start.AddMinutes(24),
                    es ? "Sí, tómela como siempre. Si la olvida, avísenos al llegar; mediremos su presión antes de empezar." : "Yes, take it as usual. If you forget, tell us when you arrive; we check your blood pressure before we start.",
                    "Dr. Adaeze Okafor, MD", Start.AddMinutes(27)),
            ],
            Discussions =
            [
                new(es ? "Hablamos de su consumo de alcohol en el pasado (sin consumo en 3 años), del riesgo de uso indebido y de que las dosis solo se dan en la clínica." : "Discussed past alcohol use (none in 3 years), the risk of misuse, and that doses are given only in the clinic. Patient understands and wishes to proceed.",
                    "Dr. Adaeze Okafor, MD", Start.AddMinutes(28)),
            ],
            Signatures =
            [
                new RecordSignature(SignerRole.Patient, es ? "María José García Núñez" : "Margaret J. O'Brien-Whitfield", Start.AddMinutes(30),
                    es ? "Doy mi consentimiento informado para el tratamiento descrito." : "I give my informed consent to the treatment described.",
                    es ? "nombre escrito y firma dibujada" : "typed name and drawn signature")
                { Strokes = Signature() },
                new RecordSignature(SignerRole.Clinician, "Dr. Adaeze Okafor, MD", Start.AddMinutes(34),
                    es ? "Declaro que la paciente fue informada y consintió voluntariamente." : "I attest that the patient was informed and consented voluntarily.",
                    es ? "nombre escrito y nueva introducción de la contraseña" : "typed name and password re-entry"),
            ],
            CertificationStatement = es ? Statements.CertificationEs : Statements.CertificationEn,
            ClinicianAttestation = es ? Statements.AttestationEs : Statements.AttestationEn,
            HowToWithdraw = es ? Statements.WithdrawEs : Statements.WithdrawEn,
            Outcome = kind switch
            {
                RecordKind.Consent => null,
                RecordKind.Withdrawal => new RecordOutcome(es ? "La paciente retiró su consentimiento." : "The patient withdrew consent.", es ? "Prefiere probar la psicoterapia primero." : "Prefers to try psychotherapy first.", issued),
                RecordKind.DeclinedSummary => new RecordOutcome(es ? "La paciente rechazó el tratamiento." : "The patient declined treatment.", null, issued),
                RecordKind.ReferredSummary => new RecordOutcome(es ? Statements.ReferralEs : Statements.ReferralEn, null, issued),
                RecordKind.Checkin => throw new ArgumentException("A check-in record is made by SampleRecords.Checkin.", nameof(kind)),
            },
            Withdrawn = kind == RecordKind.Withdrawal ? new WithdrawnRecord(SessionId, Sha256("original")) : null,
            Audit = new AuditTrail(events, previous),
        };
    }

    /// <summary>
    /// The Spanish sample as issued by a clinic whose language is English: every disclosure, screening
    /// question and answer and quiz question and answer carries the English wording too.
    /// </summary>
    public static ConsentRecord SpanishForEnglishClinic()
    {
        var es = Full("es");
        var en = Full("en");
        return es with
        {
            ClinicLanguage = "en",
            Disclosures = [.. es.Disclosures.Zip(en.Disclosures, (s, e) => s with { ClinicTitle = e.Title, ClinicBody = e.Body })],
            ScreeningAnswers = [.. es.ScreeningAnswers.Zip(en.ScreeningAnswers, (s, e) => s with { ClinicQuestion = e.Question, ClinicAnswer = e.Answer })],
            Comprehension = es.Comprehension! with
            {
                Attempts = [.. es.Comprehension.Attempts.Zip(en.Comprehension!.Attempts, (s, e) => s with
                {
                    Answers = [.. s.Answers.Zip(e.Answers, (sa, ea) => sa with { ClinicQuestion = ea.Question, ClinicChosenLabel = ea.ChosenLabel })],
                })],
            },
        };
    }

    /// <summary>A cursive-looking signature: two strokes in canvas pixels (y down).</summary>
    /// <summary>
    /// A dose-day check-in record as large as one can be: the five questions of the shipped ketamine check-in, the affirmation,
    /// the three staff values, and, unless cleared at once, every hold reason the workflow has (each with the patient's words and
    /// the values read) and a clinician's note of <paramref name="noteLength"/> characters.
    /// </summary>
    public static ConsentRecord Checkin(string language = "en", CheckinResult result = CheckinResult.NotToday, int noteLength = 1000, string? deviceKind = null)
    {
        var es = language == "es";
        var labels = RecordLabels.For(language);
        var t = Start;
        DateTimeOffset Next(int minutes = 1) => t = t.AddMinutes(minutes);
        string Template(string folder, string name) => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "templates", folder, language, name + ".md")).Trim();
        var questions = new[] { "crisis", "new-symptoms", "new-medicines", "pregnant", "ride-home" }
            .Select(q => new ScreeningAnswer(Template("questions", "checkin-" + q), q is "ride-home" ? labels.No : labels.Yes, Next())).ToList();
        var held = result != CheckinResult.Cleared;
        var reasons = held
            ? new[] { "crisis", "blood-pressure", "ride-home", "pregnancy", "medicines", "symptoms" }.Select(r => Template("messages", "checkin-" + r)
                + (r == "blood-pressure" ? (es ? " (Valores: Presión arterial sistólica: 188 mmHg; Presión arterial diastólica: 104 mmHg)" : " (Values: Systolic blood pressure: 188 mmHg; Diastolic blood pressure: 104 mmHg)") : "")).ToList()
            : [];
        var note = string.Concat(Enumerable.Repeat(es
            ? "Hablé con la paciente en persona; presión repetida a los 10 minutos, sigue alta; revisamos medicamentos nuevos y el transporte. "
            : "Saw the patient in person; blood pressure repeated after 10 minutes, still high; reviewed new medicines and the ride home. ", noteLength / 100 + 1))[..noteLength].TrimEnd();
        var events = new List<AuditEvent>();
        string previous = new('0', 64);
        foreach (var type in new[] { "SessionCreated", "IdentityVerified", "AnswersRecorded", "AffirmationRecorded", "StaffCheckRecorded", held ? "CheckinHeld" : "CheckinCleared" })
        {
            previous = Sha256(previous + type);
            events.Add(new AuditEvent(events.Count + 1, type, Next(), "patient", "203.0.113.7", null, previous));
        }

        var ended = Next(4);
        var decisionType = result == CheckinResult.NotToday ? "CheckinNotToday" : "CheckinReleased";
        if (held)
        {
            previous = Sha256(previous + decisionType);
            events.Add(new AuditEvent(events.Count + 1, decisionType, ended, "Dr. Adaeze Okafor-Whitfield, MD", "198.51.100.20", null, previous));
        }

        return new ConsentRecord
        {
            Kind = RecordKind.Checkin,
            Clinic = new ClinicDetails("Riverside Mental Health Clinic", ["1200 Harbor Avenue, Suite 400", "Springfield, OR 97477"], "+1 541 555 0142"),
            TimeZone = NewYork,
            SessionId = Guid.Parse("0b9e5c1d-2f4a-4e8b-a7c3-6d1f0e2b9a85"),
            Patient = new PatientDetails(es ? "María José García Núñez de la Fuente" : "Margaret J. O'Brien-Whitfield", new DateOnly(1975, 6, 30), "MRN-00981234-RIVERSIDE"),
            Workflow = new WorkflowReference("ketamine-iv-dose-checkin", 1, es ? "Preguntas antes de su dosis de ketamina" : "Check-in before your ketamine dose", language, Sha256("checkin workflow")),
            StartedAt = Start,
            EndedAt = ended,
            IssuedAt = ended.AddSeconds(3),
            IdentityCheck = new IdentityCheck(Start.AddSeconds(40), es ? "fecha de nacimiento" : "date of birth", 1),
            ScreeningAnswers = questions,
            Disclosures = [Rems(language, Next())],
            Checkin = new CheckinDetails(
                new ReliedOnConsent(SessionId, Sha256("the consent record"), 2, Start.AddDays(-40)),
                new CheckinAffirmation(Template("statements", "still-agree-today"), true, Next()),
                [
                    new CheckinStaffCheck(es ? "Antes de la dosis" : "Before the dose",
                    [
                        new StaffCheckValue(es ? "Presión arterial sistólica" : "Systolic blood pressure", held ? "188" : "122", "mmHg"),
                        new StaffCheckValue(es ? "Presión arterial diastólica" : "Diastolic blood pressure", held ? "104" : "78", "mmHg"),
                        new StaffCheckValue(es ? "Transporte a casa confirmado con el conductor" : "Ride home confirmed with the driver", labels.No, null),
                    ], "Nurse Oluwaseun Adebayo-Castellanos, RN", Next()),
                ],
                new CheckinOutcome(result, ended, reasons, held ? events[5].At : null, held
                    ? new CheckinDecisionSignature("Dr. Adaeze Okafor-Whitfield, MD", ended,
                        result == CheckinResult.NotToday ? labels.MeaningNotToday : labels.MeaningClearedAfterDiscussion, note)
                    : null))
            {
                DeviceKind = deviceKind,
            },
            Audit = new AuditTrail(events, previous),
        };
    }

    /// <summary>The SPRAVATO REMS dose-day rules, as the esketamine check-in shows them.</summary>
    static DisclosureAcknowledgment Rems(string language, DateTimeOffset at)
    {
        var body = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "templates", "disclosures", language, "rems-dose-day.md"));
        return new DisclosureAcknowledgment(body.Split('\n')[0].TrimStart('#', ' ').Trim(), body, Sha256(body), at, AcknowledgmentMethod.Checkbox, null);
    }

    public static IReadOnlyList<IReadOnlyList<SignaturePoint>> Signature()
    {
        var first = new List<SignaturePoint>();
        for (var i = 0; i <= 120; i++)
        {
            var x = i * 3.0;
            var y = 60 + 28 * Math.Sin(i / 6.0) * Math.Exp(-i / 140.0) - i * 0.15;
            first.Add(new(x, y));
        }

        var second = new List<SignaturePoint>();
        for (var i = 0; i <= 40; i++)
        {
            second.Add(new(120 + i * 4.5, 95 - i * 0.4 + 3 * Math.Sin(i / 3.0)));
        }

        return [first, second];
    }

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
