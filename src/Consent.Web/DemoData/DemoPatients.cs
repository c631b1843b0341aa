namespace Consent.Web.DemoData;

/// <summary>How the patient's part of a demo session ends.</summary>
public enum DemoEnding
{
    /// <summary>Signed by the patient and countersigned by the clinician (the record is issued).</summary>
    Countersigned,

    /// <summary>Signed by the patient; the clinician has not countersigned yet.</summary>
    AwaitingCountersign,

    /// <summary>The patient said "I do not consent" part way.</summary>
    Declined,

    /// <summary>A screening answer stopped the form and referred the patient to the clinician.</summary>
    Referred,

    /// <summary>The patient confirmed their date of birth and answered a few steps.</summary>
    InProgress,

    /// <summary>The invitation was made and never opened.</summary>
    Invited,
}

/// <summary>One thing that happens to a demo patient, <see cref="Ago"/> before the seeding.</summary>
public abstract record DemoAct(TimeSpan Ago);

/// <summary>A clinician starts a consent (on <paramref name="Version"/>, else the newest approved) and the patient takes it to <paramref name="Ending"/>.</summary>
/// <param name="YesTo">A screening question the patient answers yes (a referral, or a talk with the clinician first).</param>
public sealed record DemoConsent(TimeSpan Ago, string WorkflowId, DemoEnding Ending, int? Version = null, string? YesTo = null) : DemoAct(Ago);

/// <summary>A clinician asks the patient to consent again on the newest approved version (<c>PatientReconsent</c>).</summary>
public sealed record DemoReconsent(TimeSpan Ago, string WorkflowId, DemoEnding Ending) : DemoAct(Ago);

/// <summary>The clinician records that the patient withdrew their latest consent.</summary>
public sealed record DemoWithdrawal(TimeSpan Ago, string Reason) : DemoAct(Ago);

/// <summary>The clinician records the follow-up a referred patient was promised.</summary>
public sealed record DemoFollowUp(TimeSpan Ago, string Note) : DemoAct(Ago);

/// <summary>A fictional patient and what happens to them; <see cref="Expected"/> is the status of <see cref="WorkflowId"/> afterwards.</summary>
public sealed record DemoPatient(
    string Mrn, string Name, DateOnly DateOfBirth, string? Language, TimeSpan RegisteredAgo, string WorkflowId, string Expected, IReadOnlyList<DemoAct> Acts);

/// <summary>
/// The demo patients <c>seed-demo-data</c> makes: twenty fictional people, MRNs <c>DEMO-0001</c> to <c>DEMO-0020</c>, across
/// every consent status (valid, expiring, expired, reconsent-due, withdrawn, declined, referred, in-progress, none) and
/// with one superseded record (a re-consent). Their names are made up and say so.
/// </summary>
public static class DemoPatients
{
    /// <summary>The MRN prefix that marks a demo patient; the seeder skips a patient whose MRN exists.</summary>
    public const string MrnPrefix = "DEMO-";

    public const string Esketamine = "esketamine-nasal-trd";
    public const string KetamineDepression = "ketamine-iv-depression";
    public const string KetaminePain = "ketamine-chronic-pain";

    private static TimeSpan Days(double days) => TimeSpan.FromDays(days);

    private static TimeSpan Hours(double hours) => TimeSpan.FromHours(hours);

    /// <summary>The oldest moment the story reaches back to: the record-signing certificate must be valid since then.</summary>
    public static TimeSpan Earliest => All.Max(p => p.RegisteredAgo);

    public static IReadOnlyList<DemoPatient> All { get; } =
    [
        // esketamine v2 lasts 12 months (P12M) and is expiring in its last 30 days (P30D); v1 never expires, and v2 requires re-consent.
        new("DEMO-0001", "Juniper Exampleton", new(1968, 3, 14), null, Days(400), Esketamine, "expired",
            [new DemoConsent(Days(396), Esketamine, DemoEnding.Countersigned, Version: 2)]),
        new("DEMO-0002", "Marisol Ficticia", new(1979, 11, 2), "es", Days(352), Esketamine, "expiring",
            [new DemoConsent(Days(350), Esketamine, DemoEnding.Countersigned, Version: 2)]),
        new("DEMO-0003", "Otto Placeholder", new(1955, 7, 21), null, Days(160), Esketamine, "reconsent-due",
            [new DemoConsent(Days(158), Esketamine, DemoEnding.Countersigned, Version: 1)]),
        new("DEMO-0004", "Wren Sampleworth", new(1990, 1, 30), null, Days(280), Esketamine, "valid",
            [
                new DemoConsent(Days(275), Esketamine, DemoEnding.Countersigned, Version: 1),
                new DemoReconsent(Days(40), Esketamine, DemoEnding.Countersigned),
            ]),
        new("DEMO-0005", "Basil Mockford", new(1972, 9, 9), null, Days(215), Esketamine, "reconsent-due",
            [
                new DemoConsent(Days(212), Esketamine, DemoEnding.Countersigned, Version: 1),
                new DemoReconsent(Days(2), Esketamine, DemoEnding.InProgress),
            ]),
        new("DEMO-0006", "Lucía Inventada", new(1984, 5, 17), "es", Days(95), Esketamine, "valid",
            [new DemoConsent(Days(93), Esketamine, DemoEnding.Countersigned, Version: 2)]),

        // Intravenous ketamine for depression: no validity set, so a signed consent stays valid until withdrawn.
        new("DEMO-0007", "Perry Testwell", new(1961, 12, 5), null, Days(305), KetamineDepression, "valid",
            [new DemoConsent(Days(300), KetamineDepression, DemoEnding.Countersigned, YesTo: "needs_ride")]),
        new("DEMO-0008", "Mateo Ejemplar", new(1993, 4, 26), "es", Days(125), KetamineDepression, "valid",
            [new DemoConsent(Days(120), KetamineDepression, DemoEnding.Countersigned)]),
        new("DEMO-0009", "Hazel Dummington", new(1977, 8, 11), null, Days(250), KetamineDepression, "withdrawn",
            [
                new DemoConsent(Days(245), KetamineDepression, DemoEnding.Countersigned),
                new DemoWithdrawal(Days(60), "The patient called to stop treatment: it did not help enough to go on."),
            ]),
        new("DEMO-0010", "Felix Fauxley", new(1988, 2, 19), null, Days(75), KetamineDepression, "withdrawn",
            [
                new DemoConsent(Days(72), KetamineDepression, DemoEnding.Countersigned),
                new DemoWithdrawal(Days(10), "The patient is moving away and asked to end their consent."),
            ]),
        new("DEMO-0011", "Ivy Notreal", new(1966, 6, 3), null, Days(45), KetamineDepression, "declined",
            [new DemoConsent(Days(43), KetamineDepression, DemoEnding.Declined)]),
        new("DEMO-0012", "Rupert Standin", new(1959, 10, 28), null, Days(25), KetamineDepression, "referred",
            [
                new DemoConsent(Days(22), KetamineDepression, DemoEnding.Referred, YesTo: "psychosis"),
                new DemoFollowUp(Days(20), "Called the patient; an appointment with the psychiatrist is booked before any treatment."),
            ]),
        new("DEMO-0013", "Daisy Madeup", new(1997, 3, 8), null, Days(3), KetamineDepression, "in-progress",
            [new DemoConsent(Days(2), KetamineDepression, DemoEnding.InProgress)]),
        new("DEMO-0014", "Carmen Supuesta", new(1970, 9, 23), "es", Hours(7), KetamineDepression, "in-progress",
            [new DemoConsent(Hours(6), KetamineDepression, DemoEnding.Invited)]),
        new("DEMO-0015", "Gus Pretendsworth", new(1982, 1, 12), null, Days(2.5), KetamineDepression, "in-progress",
            [new DemoConsent(Days(1), KetamineDepression, DemoEnding.AwaitingCountersign)]),

        // Intravenous ketamine for chronic pain.
        new("DEMO-0016", "Nora Imaginary", new(1964, 4, 4), null, Days(65), KetaminePain, "valid",
            [new DemoConsent(Days(62), KetaminePain, DemoEnding.Countersigned)]),
        new("DEMO-0017", "Rosa Ficción", new(1991, 12, 15), "es", Days(38), KetaminePain, "referred",
            [new DemoConsent(Days(36), KetaminePain, DemoEnding.Referred, YesTo: "pregnant")]),
        new("DEMO-0018", "Tomás Hipotético", new(1975, 7, 7), "es", Days(12), KetaminePain, "declined",
            [new DemoConsent(Days(11), KetaminePain, DemoEnding.Declined)]),
        new("DEMO-0019", "Quentin Nobody", new(1950, 5, 29), null, Days(30), KetaminePain, "none", []),

        // An invitation that was never opened: its link ran out after 7 days, which says nothing of the patient's wishes.
        new("DEMO-0020", "Tilly Hypothesis", new(1986, 10, 1), null, Days(33), KetaminePain, "none",
            [new DemoConsent(Days(31), KetaminePain, DemoEnding.Invited)]),
    ];
}
