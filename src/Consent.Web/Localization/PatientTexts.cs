using System.Globalization;

namespace Consent.Web.Localization;

/// <summary>
/// The words of the patient pages around the workflow's own texts (buttons, labels, help, kind
/// messages), in every language a workflow may use. Plain, short sentences, second person.
/// </summary>
public sealed record PatientTexts
{
    public required string Code { get; init; }
    public required string LanguageName { get; init; }
    public required string Brand { get; init; }
    public required string SkipToContent { get; init; }
    public required string LanguageLabel { get; init; }
    public required string StepOf { get; init; }
    public required string Continue { get; init; }
    public required string Back { get; init; }
    public required string HaveQuestion { get; init; }
    public required string DoNotConsent { get; init; }
    public required string ReadAloud { get; init; }
    public required string StopReading { get; init; }
    public required string SomethingWrong { get; init; }
    public required string FixBelow { get; init; }

    public required string WelcomeTitle { get; init; }

    // A dose-day check-in: the affirmation, the wait for the staff's checks, and how it ended.
    public required string AffirmTitle { get; init; }
    public required string CheckinCopy { get; init; }
    public required string AffirmYes { get; init; }
    public required string AffirmNo { get; init; }
    public required string AffirmHelp { get; init; }
    public required string CheckinSentTitle { get; init; }
    public required string CheckinSentText { get; init; }
    public required string CheckinHandBack { get; init; }
    public required string ClearedTitle { get; init; }
    public required string ClearedText { get; init; }
    public required string HeldTitle { get; init; }
    public required string HeldText { get; init; }
    public required string HeldQuestion { get; init; }
    public required string NoLongerAgreesTitle { get; init; }
    public required string NoLongerAgreesText { get; init; }
    public required string NoLongerAgreesWithdraw { get; init; }
    public required string NoLongerAgreesKeep { get; init; }
    public required string CheckinWithdrawAnyTime { get; init; }
    public required string ConsentNotInForce { get; init; }
    public required string NotTodayTitle { get; init; }
    public required string NotTodayText { get; init; }
    public required string WelcomeIntro { get; init; }
    public required string WelcomeResume { get; init; }
    public required string WelcomeBack { get; init; }
    public required string DobLegend { get; init; }

    /// <summary>The date-of-birth legend when a legally authorized representative opens the link: it is the patient's date.</summary>
    public required string DobLegendRepresentative { get; init; }

    /// <summary>On every page a representative reads (21 CFR 50.27(a)): whom "you" means. {0} the patient's name.</summary>
    public required string RepresentativeNotice { get; init; }
    public required string DobHelp { get; init; }
    public required string Day { get; init; }
    public required string Month { get; init; }
    public required string Year { get; init; }
    public required string DobInvalid { get; init; }
    public required string DobWrong { get; init; }
    public required string DobButton { get; init; }
    public required string PaperOption { get; init; }

    public required string LockedTitle { get; init; }
    public required string LockedText { get; init; }
    public required string ExpiredTitle { get; init; }
    public required string ExpiredText { get; init; }
    public required string NotValidTitle { get; init; }
    public required string NotValidText { get; init; }
    public required string DeclinedTitle { get; init; }
    public required string DeclinedText { get; init; }
    public required string ReferredTitle { get; init; }
    public required string VoidedTitle { get; init; }
    public required string VoidedText { get; init; }
    public required string WithdrawnTitle { get; init; }
    public required string WithdrawnText { get; init; }
    public required string CompletedTitle { get; init; }
    public required string CompletedText { get; init; }
    public required string SignedCopy { get; init; }
    public required string WithdrawalCopy { get; init; }
    public required string OutcomeCopy { get; init; }
    public required string SignedCopyHelp { get; init; }
    public required string HowToWithdraw { get; init; }
    public required string CopyLater { get; init; }
    public required string SignedTitle { get; init; }
    public required string SignedText { get; init; }
    public required string ChangedMind { get; init; }

    public required string WaitingTitle { get; init; }
    public required string CheckAgain { get; init; }

    public required string QuestionTitle { get; init; }
    public required string QuestionIntro { get; init; }
    public required string QuestionLabel { get; init; }
    public required string QuestionSend { get; init; }
    public required string QuestionSent { get; init; }
    public required string QuestionEmpty { get; init; }
    public required string TextNotAllowed { get; init; }
    public required string YourQuestions { get; init; }
    public required string AnswerLabel { get; init; }
    public required string NotAnsweredYet { get; init; }
    public required string BackToForm { get; init; }
    public required string NoMoreQuestions { get; init; }

    public required string DeclineTitle { get; init; }
    public required string DeclineText { get; init; }
    public required string DeclineReason { get; init; }
    public required string DeclineConfirm { get; init; }
    public required string DeclineCancel { get; init; }

    public required string AcknowledgeCheckbox { get; init; }
    public required string AcknowledgeInitials { get; init; }
    public required string AcknowledgeInitialsHint { get; init; }
    public required string TickToContinue { get; init; }
    public required string InitialsNeeded { get; init; }
    public required string Yes { get; init; }
    public required string No { get; init; }
    public required string AnswerEvery { get; init; }
    public required string Optional { get; init; }
    public required string ChooseEvery { get; init; }
    public required string QuizMissed { get; init; }
    public required string QuizReadAgain { get; init; }
    public required string AttemptsLeft { get; init; }

    public required string CertifyTitle { get; init; }
    public required string CertifyIntro { get; init; }
    public required string YouAcknowledged { get; init; }
    public required string WithInitials { get; init; }
    public required string YourAnswers { get; init; }
    public required string QuizPassed { get; init; }
    public required string QuizNotPassed { get; init; }
    public required string QuestionsAndAnswers { get; init; }
    public required string NoQuestionsAsked { get; init; }
    public required string ContinueToSign { get; init; }

    public required string SignTitle { get; init; }

    /// <summary>The signature page's title for each signer other than the patient signing alone (patient assent, representative, witness, interpreter).</summary>
    public required string SignTitleAssent { get; init; }
    public required string SignTitleRepresentative { get; init; }
    public required string SignTitleWitness { get; init; }
    public required string SignTitleInterpreter { get; init; }

    /// <summary>Who signs now, by name, so the device is handed to the right person ({0}: the name given at the start).</summary>
    public required string SignerNow { get; init; }

    /// <summary>A signer's own full-name hint (the name given at the start).</summary>
    public required string SignerNameHint { get; init; }

    /// <summary>The choice to sign with a mark, for a patient who cannot write, before the witness.</summary>
    public required string MarkBox { get; init; }
    public required string MarkHint { get; init; }
    public required string MarkNeeded { get; init; }
    public required string SignStatement { get; init; }
    public required string CertifyBox { get; init; }
    public required string FullName { get; init; }
    public required string FullNameHint { get; init; }
    public required string DrawTitle { get; init; }
    public required string DrawHelp { get; init; }
    public required string DrawArea { get; init; }
    public required string Clear { get; init; }
    public required string SignButton { get; init; }
    public required string CertifyNeeded { get; init; }
    public required string NameNeeded { get; init; }

    public required string ReviewDone { get; init; }
    public required string ReviewAnswered { get; init; }
    public required string ReturnToCurrent { get; init; }
    public required string Previous { get; init; }
    public required string Next { get; init; }
    public required string TranslationNotice { get; init; }
    public required string TranslationShowOriginal { get; init; }
    public required string NotAnswered { get; init; }

    public required string WithdrawTitle { get; init; }
    public required string WithdrawText { get; init; }
    public required string WithdrawButton { get; init; }
    public required string WithdrawConfirm { get; init; }
    public required string WithdrawReason { get; init; }

    public required string StopCheckTitle { get; init; }
    public required string StopCheckIntro { get; init; }
    public required string StopCheckQuestion { get; init; }
    public required string StopCheckNext { get; init; }
    public required string ChangeAnswer { get; init; }
    public required string ConfirmAnswer { get; init; }
    public required string NoVoice { get; init; }
    public required string ErrorTitle { get; init; }
    public required string AcceptedOn { get; init; }
    public required string ShowAnswers { get; init; }
    public required string WaitingBecause { get; init; }
    public required string QuizHoldReason { get; init; }
    public required string HowWeReachYou { get; init; }
    public required string WaitingHelpLive { get; init; }
    public required string WaitingHelpManual { get; init; }
    public required string CallClinic { get; init; }
    public required string CrisisLead { get; init; }
    public required string Call988 { get; init; }
    public required string Text988 { get; init; }
    public required string Call911 { get; init; }
    public required string SaveForLater { get; init; }
    public required string LaterSaved { get; init; }
    public required string LaterComeBack { get; init; }
    public required string LaterReminderLegend { get; init; }
    public required string LaterReminderTo { get; init; }
    public required string LaterReminderNone { get; init; }
    public required string LaterReminderTomorrow { get; init; }
    public required string LaterReminderThreeDays { get; init; }
    public required string LaterNoEmail { get; init; }
    public required string LaterLeave { get; init; }
    public required string LaterLeaveHelp { get; init; }
    public required string LaterKeepGoing { get; init; }
    public required string LaterLeftTitle { get; init; }
    public required string LaterLeftText { get; init; }
    public required string LaterReminderSet { get; init; }
    public required string LaterChooseReminder { get; init; }
    public required string LaterOpenAgain { get; init; }
    public required string WhatChangedTitle { get; init; }
    public required string WhatChangedParts { get; init; }
    public required string WhatChangedReadAll { get; init; }
    public required string MarkNew { get; init; }
    public required string MarkChanged { get; init; }
    /// <summary>Language names as said in this language ("Spanish" in English, "inglés" in Spanish).</summary>
    public required IReadOnlyDictionary<string, string> LanguageNames { get; init; }

    /// <summary>The name of <paramref name="code"/> in this language, or the code itself.</summary>
    public string NameIn(string code) => LanguageNames.TryGetValue(code, out var name) ? name : code;

    /// <summary>The texts for <paramref name="language"/> (its first subtag), English when unknown.</summary>
    public static PatientTexts For(string? language) =>
        language?.Split('-')[0] switch
        {
            "es" => Spanish,
            _ => English,
        };

    /// <summary>Every language these texts exist in.</summary>
    public static IReadOnlyList<PatientTexts> All => [English, Spanish];

    /// <summary>The language's own name ("English", "Español") for a code, or the code itself.</summary>
    public static string NameOf(string code) => All.FirstOrDefault(t => t.Code == code)?.LanguageName ?? code;

    /// <summary>A date the way people write it in this language (day and month in words).</summary>
    public string Date(DateTimeOffset at) => at.ToString(Code == "es" ? "d 'de' MMMM 'de' yyyy" : "MMMM d, yyyy", Culture);

    public CultureInfo Culture => CultureInfo.GetCultureInfo(Code == "es" ? "es-US" : "en-US");

    public string Format(string template, params object[] values) => string.Format(Culture, template, values);

    public static readonly PatientTexts English = new()
    {
        Code = "en",
        LanguageName = "English",
        Brand = "Consent",
        SkipToContent = "Skip to content",
        LanguageLabel = "Language",
        StepOf = "Step {0} of {1}",
        Continue = "Continue",
        Back = "Back",
        HaveQuestion = "I have a question",
        DoNotConsent = "I do not consent",
        ReadAloud = "Read aloud",
        StopReading = "Stop reading",
        SomethingWrong = "Something did not work. Please try again. If it keeps happening, please call your clinic.",
        FixBelow = "Please check the part marked below.",
        WelcomeTitle = "Your consent form",
        WelcomeIntro = "Your clinic asked you to read about {0} and decide if you agree to it. It takes about 15 to 20 minutes.",
        WelcomeResume = "You can stop at any time and come back later with the same link. What you have done is saved.",
        WelcomeBack = "This is your form about {0}. Confirm your date of birth to see where things stand and to download your copy.",
        DobLegend = "Your date of birth",
        DobLegendRepresentative = "The patient's date of birth (if you are their representative)",
        RepresentativeNotice = "You are reading this form for {0}, as their legally authorized representative. Where it says “you” or “your”, it means {0}: you decide for them.",
        DobHelp = "To keep your information private, first confirm it is you. For example, for June 30, 1975: month 6, day 30, year 1975.",
        Day = "Day",
        Month = "Month",
        Year = "Year",
        DobInvalid = "Please enter a real date: the month, the day and the year with 4 digits.",
        DobWrong = "That date of birth does not match what your clinic has. Please check it and try again. Tries left: {0}.",
        DobButton = "Continue",
        PaperOption = "You can also ask your clinic for this form on paper, or ask someone to read it with you.",
        LockedTitle = "This link is locked",
        LockedText = "To protect your information, this link stopped working after several dates of birth that did not match. This is not your fault. Please call your clinic and ask for a new link.",
        ExpiredTitle = "This link has expired",
        ExpiredText = "Links work for a limited time to keep your information safe. Please contact your clinic, and they will send you a new link.",
        NotValidTitle = "This link does not work",
        NotValidText = "Please check that you opened the whole link, or use the newest link your clinic sent you. If it still does not work, please call your clinic.",
        DeclinedTitle = "You did not give consent",
        DeclinedText = "Thank you for telling us. We have recorded your choice, and you will not get this treatment now. Your other care does not change. If you change your mind or want to talk about it, please contact your clinic.",
        ReferredTitle = "Thank you. We will contact you.",
        VoidedTitle = "This form is no longer in use",
        VoidedText = "Your clinic has cancelled this form. If you were expecting it, please contact your clinic.",
        WithdrawnTitle = "You withdrew your consent",
        WithdrawnText = "We have recorded that you withdrew your consent. Your other care does not change. If you have questions, please contact your clinic.",
        CompletedTitle = "Your consent is complete",
        CompletedText = "You and your clinician have both signed. Thank you.",
        SignedCopy = "Download your signed form (PDF)",
        WithdrawalCopy = "Download the record of your withdrawal (PDF)",
        OutcomeCopy = "Download the record of how this ended (PDF)",
        SignedCopyHelp = "Keep it for your records. If it is not ready yet, please try again in a minute.",
        HowToWithdraw = "How to withdraw your consent",
        CopyLater = "To download your copy, open this link again and confirm your date of birth. Your clinic can also give you a copy at any time, and sends one by email if they have your address.",
        SignedTitle = "Thank you. You have signed.",
        SignedText = "Your clinician will now check the form and sign it too. After that, your signed copy will be ready on this page.",
        ChangedMind = "If you change your mind before your clinician signs, you can still say no.",
        WaitingTitle = "Please wait a moment",
        CheckAgain = "Check again",
        QuestionTitle = "Ask a question",
        QuestionIntro = "Write your question. A clinician will answer it before you sign. There is no wrong question.",
        QuestionLabel = "Your question",
        QuestionSend = "Send question",
        QuestionSent = "Your question was sent. A clinician will answer it before you sign.",
        QuestionEmpty = "Please write your question first.",
        TextNotAllowed = "This text contains invisible or special formatting characters (for example from copying and pasting). Please type it again.",
        YourQuestions = "Your questions",
        AnswerLabel = "Answer",
        NotAnsweredYet = "Not answered yet",
        BackToForm = "Back to the form",
        NoMoreQuestions = "I have no more questions",
        DeclineTitle = "Are you sure you do not want to give consent?",
        DeclineText = "If you say no, you will not get this treatment now. Your other care does not change. You can talk with your clinic about it at any time.",
        DeclineReason = "If you want, tell us why (you do not have to)",
        DeclineConfirm = "I do not want this treatment",
        DeclineCancel = "Go back",
        AcknowledgeCheckbox = "I have read this and I understand it.",
        AcknowledgeInitials = "Type your initials to show you have read this and understand it",
        AcknowledgeInitialsHint = "For example: MJP",
        TickToContinue = "Please tick the box to go on. If you do not agree, choose “I do not consent”.",
        InitialsNeeded = "Please type your initials (letters only).",
        Yes = "Yes",
        No = "No",
        AnswerEvery = "Please answer this question.",
        Optional = "optional",
        ChooseEvery = "Please choose an answer.",
        QuizMissed = "You got {0} of {1} right. That is fine: please read these parts again, then try once more.",
        QuizReadAgain = "Read again: {0}",
        AttemptsLeft = "Tries left: {0}. If a part is still not clear after that, you go on, and a clinician goes over it with you before you sign.",
        CertifyTitle = "Check before you sign",
        CertifyIntro = "Here is everything you read and answered. Please check it. You can go back to any part.",
        YouAcknowledged = "You read and accepted",
        WithInitials = "initials {0}",
        YourAnswers = "Your answers",
        QuizPassed = "You answered the check of what you learned.",
        QuizNotPassed = "A clinician talked with you about the parts that were not clear.",
        QuestionsAndAnswers = "Your questions and the answers",
        NoQuestionsAsked = "You did not ask any questions.",
        ContinueToSign = "Continue to sign",
        SignTitle = "Sign the form",
        SignTitleAssent = "The patient's agreement",
        SignTitleRepresentative = "Sign for the patient",
        SignTitleWitness = "The witness signs",
        SignTitleInterpreter = "The interpreter signs",
        SignerNow = "Now {0} signs.",
        SignerNameHint = "Your full name.",
        MarkBox = "The patient cannot write, and signs with a mark (an X) drawn in the box.",
        MarkHint = "The witness watches and signs next. The patient's name may be left as it is.",
        MarkNeeded = "Draw the mark (an X) in the box.",
        SignStatement = "What you are signing",
        CertifyBox = "I have read the statement above and I agree.",
        FullName = "Type your full name",
        FullNameHint = "The same name your clinic has for you.",
        DrawTitle = "Draw your signature (optional)",
        DrawHelp = "Use your finger, a pen or the mouse. If you do not draw, your typed name is your signature.",
        DrawArea = "Signature drawing area",
        Clear = "Clear",
        SignButton = "Sign",
        CertifyNeeded = "Please tick the box to show you agree with the statement.",
        NameNeeded = "Please type your full name.",
        ReviewDone = "You accepted this on {0}.",
        ReviewAnswered = "You answered this on {0}.",
        ReturnToCurrent = "Return to where you were",
        Previous = "Previous",
        Next = "Next",
        TranslationNotice = "You are reading this in {0}. Your clinic set up this form in {1}, so your signed form will be in {1}.",
        TranslationShowOriginal = "Show the text in {0}",
        NotAnswered = "Not answered",
        AffirmTitle = "Before your dose today",
        CheckinCopy = "Download your check-in record (PDF)",
        AffirmYes = "Yes, I still agree",
        AffirmNo = "No, I do not agree today",
        AffirmHelp = "Either answer is fine. If you say no, you will not get a dose today, and a clinician will talk with you.",
        CheckinSentTitle = "Thank you. We have your answers",
        CheckinSentText = "A nurse will check a few more things with you before your dose, such as your blood pressure and your ride home.",
        CheckinHandBack = "Please give the tablet back to the staff.",
        ClearedTitle = "You are checked in for today",
        ClearedText = "Everything is ready for your dose today. A staff member will call you.",
        HeldTitle = "A clinician will talk with you first",
        HeldText = "Before any dose today, a clinician will talk with you about this:",
        HeldQuestion = "The question you asked. A clinician will answer it before any dose.",
        NoLongerAgreesTitle = "You do not have to go on",
        NoLongerAgreesText = "You said you do not agree to this treatment today. That is your choice. You will not get a dose today, and a clinician will talk with you.",
        NoLongerAgreesWithdraw = "If you want to stop this treatment for good, you can withdraw your consent now. Your other care does not change.",
        NoLongerAgreesKeep = "If you only do not want a dose today, you do not need to do anything else.",
        CheckinWithdrawAnyTime = "You can withdraw your consent to this treatment at any time.",
        ConsentNotInForce = "Your consent to this treatment is no longer in force. Your clinic will talk with you about what comes next.",
        NotTodayTitle = "No dose today",
        NotTodayText = "A clinician decided that there is no dose today. Your clinic will contact you about the next step.",
        WithdrawTitle = "Withdraw your consent",
        WithdrawText = "You can withdraw your consent at any time, even just before a dose. Your other care does not change. We will record your withdrawal and you get a copy.",
        WithdrawButton = "Withdraw my consent",
        WithdrawConfirm = "Yes, withdraw my consent",
        WithdrawReason = "If you want, tell us why (you do not have to)",
        StopCheckTitle = "Please check your answer",
        StopCheckIntro = "You answered:",
        StopCheckQuestion = "Is that right?",
        StopCheckNext = "If it is, we will not go on with this form online. A clinician from your clinic will contact you to talk about it. If you tapped by mistake, change your answer.",
        ChangeAnswer = "No, change my answer",
        ConfirmAnswer = "Yes, that is right",
        NoVoice = "Read aloud is not available: this device has no voice for English. You can ask your clinic to read the form with you.",
        ErrorTitle = "There is a problem",
        AcceptedOn = "You accepted these on {0}. Tap a title to read it again.",
        ShowAnswers = "Show your {0} answers",
        WaitingBecause = "Why you are waiting",
        QuizHoldReason = "Some answers in the check of what you learned were not right. That is all right: a clinician will go over those parts with you before you sign.",
        HowWeReachYou = "A clinician will talk with you here or call you. You can keep this page open, or close it and come back later with the same link: nothing you did is lost.",
        WaitingHelpLive = "This page checks for news on its own.",
        WaitingHelpManual = "When you are ready, press “Check again” to see if there is news.",
        CallClinic = "Questions or problems? Call your clinic:",
        CrisisLead = "If you have thoughts of hurting yourself, help is there day and night:",
        Call988 = "Call 988",
        Text988 = "Text 988",
        Call911 = "Call 911",
        SaveForLater = "Save and finish later",
        LaterSaved = "Everything you have done so far is saved. You do not need to do anything else to keep it.",
        LaterComeBack = "To finish, open the same link again before {0}. You will confirm your date of birth again and go on where you stopped.",
        LaterReminderLegend = "Would you like a reminder by email?",
        LaterReminderTo = "We will send it to {0}, the address your clinic has for you.",
        LaterReminderNone = "No, thank you",
        LaterReminderTomorrow = "Yes, tomorrow",
        LaterReminderThreeDays = "Yes, in 3 days",
        LaterNoEmail = "Your clinic has no email address for you, so we cannot send a reminder. Keep the message with your link, or ask your clinic to send it again.",
        LaterLeave = "Save and leave",
        LaterLeaveHelp = "Leaving also closes the form on this device, so no one else who uses it can open your answers.",
        LaterKeepGoing = "Go back to the form",
        LaterLeftTitle = "Your answers are saved",
        LaterLeftText = "You have left the form on this device. You can close this page now.",
        LaterReminderSet = "We will send you a reminder by email on {0}.",
        LaterChooseReminder = "Choose one of the reminder options.",
        LaterOpenAgain = "Open the form again",
        WhatChangedTitle = "What changed since you signed on {0}",
        WhatChangedParts = "These parts of the form are new or changed:",
        WhatChangedReadAll = "Please read the whole form again. Then sign only if you still agree. You can also say no, or ask us questions first.",
        MarkNew = "New",
        MarkChanged = "Changed",
        LanguageNames = new Dictionary<string, string> { ["en"] = "English", ["es"] = "Spanish" },
    };

    public static readonly PatientTexts Spanish = new()
    {
        Code = "es",
        LanguageName = "Español",
        Brand = "Consentimiento",
        SkipToContent = "Ir al contenido",
        LanguageLabel = "Idioma",
        StepOf = "Paso {0} de {1}",
        Continue = "Continuar",
        Back = "Atrás",
        HaveQuestion = "Tengo una pregunta",
        DoNotConsent = "No doy mi consentimiento",
        ReadAloud = "Leer en voz alta",
        StopReading = "Dejar de leer",
        SomethingWrong = "Algo no funcionó. Inténtelo de nuevo. Si sigue pasando, llame a su clínica.",
        FixBelow = "Revise la parte marcada abajo.",
        WelcomeTitle = "Su formulario de consentimiento",
        WelcomeIntro = "Su clínica le pidió que lea sobre {0} y decida si está de acuerdo. Toma unos 15 a 20 minutos.",
        WelcomeResume = "Puede parar en cualquier momento y volver más tarde con el mismo enlace. Lo que ya hizo queda guardado.",
        WelcomeBack = "Este es su formulario sobre {0}. Confirme su fecha de nacimiento para ver en qué quedó y descargar su copia.",
        DobLegend = "Su fecha de nacimiento",
        DobLegendRepresentative = "La fecha de nacimiento del paciente (si usted es su representante)",
        RepresentativeNotice = "Usted lee este formulario por {0}, como su representante legalmente autorizado. Donde dice “usted” o “su”, se refiere a {0}: usted decide por esa persona.",
        DobHelp = "Para proteger su información, primero confirme que es usted. Por ejemplo, para el 30 de junio de 1975: día 30, mes 6, año 1975.",
        Day = "Día",
        Month = "Mes",
        Year = "Año",
        DobInvalid = "Escriba una fecha real: el día, el mes y el año con 4 cifras.",
        DobWrong = "Esa fecha de nacimiento no coincide con la que tiene su clínica. Revísela e inténtelo de nuevo. Intentos restantes: {0}.",
        DobButton = "Continuar",
        PaperOption = "También puede pedir este formulario en papel a su clínica, o pedir a alguien que lo lea con usted.",
        LockedTitle = "Este enlace está bloqueado",
        LockedText = "Para proteger su información, este enlace dejó de funcionar después de varias fechas de nacimiento que no coincidían. No es su culpa. Llame a su clínica y pida un enlace nuevo.",
        ExpiredTitle = "Este enlace ha vencido",
        ExpiredText = "Los enlaces funcionan por un tiempo limitado para proteger su información. Comuníquese con su clínica y le enviarán un enlace nuevo.",
        NotValidTitle = "Este enlace no funciona",
        NotValidText = "Revise que abrió el enlace completo, o use el enlace más reciente que le envió su clínica. Si sigue sin funcionar, llame a su clínica.",
        DeclinedTitle = "Usted no dio su consentimiento",
        DeclinedText = "Gracias por decírnoslo. Dejamos constancia de su decisión y no recibirá este tratamiento ahora. El resto de su atención no cambia. Si cambia de opinión o quiere hablar de esto, comuníquese con su clínica.",
        ReferredTitle = "Gracias. Nos pondremos en contacto con usted.",
        VoidedTitle = "Este formulario ya no está en uso",
        VoidedText = "Su clínica canceló este formulario. Si lo esperaba, comuníquese con su clínica.",
        WithdrawnTitle = "Usted retiró su consentimiento",
        WithdrawnText = "Dejamos constancia de que usted retiró su consentimiento. El resto de su atención no cambia. Si tiene preguntas, comuníquese con su clínica.",
        CompletedTitle = "Su consentimiento está completo",
        CompletedText = "Usted y su profesional clínico firmaron. Gracias.",
        SignedCopy = "Descargar su formulario firmado (PDF)",
        WithdrawalCopy = "Descargar el registro de su retiro (PDF)",
        OutcomeCopy = "Descargar el registro de cómo terminó (PDF)",
        SignedCopyHelp = "Guárdelo. Si todavía no está listo, inténtelo de nuevo en un minuto.",
        HowToWithdraw = "Cómo retirar su consentimiento",
        CopyLater = "Para descargar su copia, abra este enlace otra vez y confirme su fecha de nacimiento. Su clínica también puede darle una copia en cualquier momento, y le envía una por correo electrónico si tiene su dirección.",
        SignedTitle = "Gracias. Usted ha firmado.",
        SignedText = "Ahora su profesional clínico revisará el formulario y también lo firmará. Después, su copia firmada estará lista en esta página.",
        ChangedMind = "Si cambia de opinión antes de que firme su profesional clínico, todavía puede decir que no.",
        WaitingTitle = "Espere un momento, por favor",
        CheckAgain = "Comprobar de nuevo",
        QuestionTitle = "Haga una pregunta",
        QuestionIntro = "Escriba su pregunta. Un profesional clínico la responderá antes de que usted firme. No hay preguntas equivocadas.",
        QuestionLabel = "Su pregunta",
        QuestionSend = "Enviar pregunta",
        QuestionSent = "Su pregunta fue enviada. Un profesional clínico la responderá antes de que usted firme.",
        QuestionEmpty = "Primero escriba su pregunta.",
        TextNotAllowed = "Este texto contiene caracteres invisibles o de formato especial (por ejemplo, al copiar y pegar). Escríbalo de nuevo, por favor.",
        YourQuestions = "Sus preguntas",
        AnswerLabel = "Respuesta",
        NotAnsweredYet = "Todavía sin respuesta",
        BackToForm = "Volver al formulario",
        NoMoreQuestions = "No tengo más preguntas",
        DeclineTitle = "¿Está seguro de que no quiere dar su consentimiento?",
        DeclineText = "Si dice que no, no recibirá este tratamiento ahora. El resto de su atención no cambia. Puede hablar de esto con su clínica en cualquier momento.",
        DeclineReason = "Si quiere, díganos por qué (no es obligatorio)",
        DeclineConfirm = "No quiero este tratamiento",
        DeclineCancel = "Volver",
        AcknowledgeCheckbox = "Leí esto y lo entiendo.",
        AcknowledgeInitials = "Escriba sus iniciales para indicar que leyó esto y lo entiende",
        AcknowledgeInitialsHint = "Por ejemplo: MJP",
        TickToContinue = "Marque la casilla para seguir. Si no está de acuerdo, elija “No doy mi consentimiento”.",
        InitialsNeeded = "Escriba sus iniciales (solo letras).",
        Yes = "Sí",
        No = "No",
        AnswerEvery = "Responda esta pregunta.",
        Optional = "opcional",
        ChooseEvery = "Elija una respuesta.",
        QuizMissed = "Acertó {0} de {1}. No pasa nada: vuelva a leer estas partes y luego inténtelo otra vez.",
        QuizReadAgain = "Vuelva a leer: {0}",
        AttemptsLeft = "Intentos restantes: {0}. Si después algo sigue sin quedar claro, usted continúa y un profesional clínico lo repasa con usted antes de que firme.",
        CertifyTitle = "Revise antes de firmar",
        CertifyIntro = "Aquí está todo lo que usted leyó y respondió. Revíselo. Puede volver a cualquier parte.",
        YouAcknowledged = "Usted leyó y aceptó",
        WithInitials = "iniciales {0}",
        YourAnswers = "Sus respuestas",
        QuizPassed = "Usted respondió la revisión de lo que aprendió.",
        QuizNotPassed = "Un profesional clínico habló con usted sobre las partes que no estaban claras.",
        QuestionsAndAnswers = "Sus preguntas y las respuestas",
        NoQuestionsAsked = "Usted no hizo preguntas.",
        ContinueToSign = "Continuar para firmar",
        SignTitle = "Firme el formulario",
        SignTitleAssent = "El acuerdo del paciente",
        SignTitleRepresentative = "Firme en nombre del paciente",
        SignTitleWitness = "Firma el testigo",
        SignTitleInterpreter = "Firma el intérprete",
        SignerNow = "Ahora firma {0}.",
        SignerNameHint = "Su nombre completo.",
        MarkBox = "El paciente no puede escribir y firma con una marca (una X) dibujada en el recuadro.",
        MarkHint = "El testigo observa y firma después. El nombre del paciente puede quedar como está.",
        MarkNeeded = "Dibuje la marca (una X) en el recuadro.",
        SignStatement = "Lo que usted firma",
        CertifyBox = "Leí la declaración de arriba y estoy de acuerdo.",
        FullName = "Escriba su nombre completo",
        FullNameHint = "El mismo nombre que tiene su clínica.",
        DrawTitle = "Dibuje su firma (opcional)",
        DrawHelp = "Use el dedo, un lápiz táctil o el ratón. Si no dibuja, su nombre escrito es su firma.",
        DrawArea = "Área para dibujar la firma",
        Clear = "Borrar",
        SignButton = "Firmar",
        CertifyNeeded = "Marque la casilla para indicar que está de acuerdo con la declaración.",
        NameNeeded = "Escriba su nombre completo.",
        ReviewDone = "Usted aceptó esto el {0}.",
        ReviewAnswered = "Usted respondió esto el {0}.",
        ReturnToCurrent = "Volver a donde estaba",
        Previous = "Anterior",
        Next = "Siguiente",
        TranslationNotice = "Usted está leyendo esto en {0}. Su clínica preparó este formulario en {1}, por eso su formulario firmado estará en {1}.",
        TranslationShowOriginal = "Mostrar el texto en {0}",
        NotAnswered = "Sin respuesta",
        AffirmTitle = "Antes de su dosis de hoy",
        CheckinCopy = "Descargar el registro de sus respuestas de hoy (PDF)",
        AffirmYes = "Sí, sigo de acuerdo",
        AffirmNo = "No, hoy no estoy de acuerdo",
        AffirmHelp = "Cualquier respuesta está bien. Si dice que no, hoy no recibirá una dosis y un profesional clínico hablará con usted.",
        CheckinSentTitle = "Gracias. Tenemos sus respuestas",
        CheckinSentText = "Una enfermera revisará algunas cosas más con usted antes de su dosis, como su presión arterial y cómo volverá a casa.",
        CheckinHandBack = "Por favor, devuelva la tableta al personal.",
        ClearedTitle = "Ya está registrado para hoy",
        ClearedText = "Todo está listo para su dosis de hoy. Un miembro del personal lo llamará.",
        HeldTitle = "Un profesional clínico hablará con usted primero",
        HeldText = "Antes de cualquier dosis de hoy, un profesional clínico hablará con usted sobre esto:",
        HeldQuestion = "La pregunta que hizo. Un profesional clínico la responderá antes de cualquier dosis.",
        NoLongerAgreesTitle = "No tiene que continuar",
        NoLongerAgreesText = "Usted dijo que hoy no está de acuerdo con este tratamiento. Es su decisión. Hoy no recibirá una dosis, y un profesional clínico hablará con usted.",
        NoLongerAgreesWithdraw = "Si quiere dejar este tratamiento para siempre, puede retirar su consentimiento ahora. El resto de su atención no cambia.",
        NoLongerAgreesKeep = "Si solo no quiere una dosis hoy, no necesita hacer nada más.",
        CheckinWithdrawAnyTime = "Puede retirar su consentimiento a este tratamiento en cualquier momento.",
        ConsentNotInForce = "Su consentimiento a este tratamiento ya no está vigente. Su clínica hablará con usted sobre lo que sigue.",
        NotTodayTitle = "Hoy no habrá dosis",
        NotTodayText = "Un profesional clínico decidió que hoy no habrá dosis. Su clínica se comunicará con usted sobre el siguiente paso.",
        WithdrawTitle = "Retirar su consentimiento",
        WithdrawText = "Puede retirar su consentimiento en cualquier momento, incluso justo antes de una dosis. El resto de su atención no cambia. Dejaremos constancia de su retiro y usted recibirá una copia.",
        WithdrawButton = "Retirar mi consentimiento",
        WithdrawConfirm = "Sí, retirar mi consentimiento",
        WithdrawReason = "Si quiere, díganos por qué (no es obligatorio)",
        StopCheckTitle = "Revise su respuesta",
        StopCheckIntro = "Usted respondió:",
        StopCheckQuestion = "¿Es correcto?",
        StopCheckNext = "Si es así, no seguiremos con este formulario en línea. Un profesional clínico de su clínica se pondrá en contacto con usted para hablarlo. Si tocó por error, cambie su respuesta.",
        ChangeAnswer = "No, cambiar mi respuesta",
        ConfirmAnswer = "Sí, es correcto",
        NoVoice = "La lectura en voz alta no está disponible: este dispositivo no tiene una voz en español. Puede pedir a su clínica que lea el formulario con usted.",
        ErrorTitle = "Hay un problema",
        AcceptedOn = "Aceptó estas partes el {0}. Toque un título para leerlo de nuevo.",
        ShowAnswers = "Mostrar sus {0} respuestas",
        WaitingBecause = "Por qué está esperando",
        QuizHoldReason = "Algunas respuestas de la comprobación de lo que aprendió no eran correctas. No pasa nada: un profesional clínico repasará esas partes con usted antes de que firme.",
        HowWeReachYou = "Un profesional clínico hablará con usted aquí o lo llamará. Puede dejar esta página abierta, o cerrarla y volver más tarde con el mismo enlace: no se pierde nada de lo que hizo.",
        WaitingHelpLive = "Esta página busca novedades por sí sola.",
        WaitingHelpManual = "Cuando quiera, pulse “Comprobar de nuevo” para ver si hay novedades.",
        CallClinic = "¿Preguntas o problemas? Llame a su clínica:",
        CrisisLead = "Si tiene pensamientos de hacerse daño, hay ayuda de día y de noche:",
        Call988 = "Llamar al 988",
        Text988 = "Enviar un texto al 988",
        Call911 = "Llamar al 911",
        SaveForLater = "Guardar y terminar más tarde",
        LaterSaved = "Todo lo que ha hecho hasta ahora está guardado. No tiene que hacer nada más para conservarlo.",
        LaterComeBack = "Para terminar, abra el mismo enlace otra vez antes del {0}. Confirmará de nuevo su fecha de nacimiento y seguirá donde lo dejó.",
        LaterReminderLegend = "¿Quiere un recordatorio por correo electrónico?",
        LaterReminderTo = "Lo enviaremos a {0}, la dirección que tiene su clínica.",
        LaterReminderNone = "No, gracias",
        LaterReminderTomorrow = "Sí, mañana",
        LaterReminderThreeDays = "Sí, dentro de 3 días",
        LaterNoEmail = "Su clínica no tiene una dirección de correo electrónico suya, así que no podemos enviarle un recordatorio. Guarde el mensaje con su enlace, o pida a su clínica que se lo envíe de nuevo.",
        LaterLeave = "Guardar y salir",
        LaterLeaveHelp = "Al salir, el formulario también se cierra en este dispositivo, para que nadie más que lo use pueda abrir sus respuestas.",
        LaterKeepGoing = "Volver al formulario",
        LaterLeftTitle = "Sus respuestas están guardadas",
        LaterLeftText = "Salió del formulario en este dispositivo. Ya puede cerrar esta página.",
        LaterReminderSet = "Le enviaremos un recordatorio por correo electrónico el {0}.",
        LaterChooseReminder = "Elija una de las opciones de recordatorio.",
        LaterOpenAgain = "Abrir el formulario de nuevo",
        WhatChangedTitle = "Qué cambió desde que firmó el {0}",
        WhatChangedParts = "Estas partes del formulario son nuevas o cambiaron:",
        WhatChangedReadAll = "Lea todo el formulario otra vez. Luego firme solo si todavía está de acuerdo. También puede decir que no, o hacernos preguntas primero.",
        MarkNew = "Nuevo",
        MarkChanged = "Cambió",
        LanguageNames = new Dictionary<string, string> { ["en"] = "inglés", ["es"] = "español" },
    };
}
