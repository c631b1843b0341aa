using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>The two shipped check-ins: what they require, their holds and thresholds, and how they read.</summary>
public sealed class ShippedCheckinTests
{
    private static readonly Lazy<WorkflowCatalog> Catalog = new(() =>
    {
        var load = WorkflowCatalog.Load(RepositoryRoot.Path);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!;
    });

    public static TheoryData<string, string> Checkins => new()
    {
        { "ketamine-iv-dose-checkin", "ketamine-iv-depression" },
        { "esketamine-dose-checkin", "esketamine-nasal-trd" },
    };

    [Theory]
    [MemberData(nameof(Checkins))]
    public void EachCheckin_RequiresItsConsent_AndHasNoSignature(string id, string consent)
    {
        var definition = Catalog.Value.Latest(id)!.Definition;

        Assert.Equal((WorkflowKind.Checkin, consent), (definition.Kind, definition.Requires));
        Assert.Equal(WorkflowKind.Consent, Catalog.Value.Latest(consent)!.Definition.Kind);
        Assert.DoesNotContain(definition.Steps, s => s is SignatureStep or CountersignStep);
        Assert.Equal("Sigo de acuerdo con este tratamiento hoy.", definition.Steps.OfType<AffirmationStep>().Single().Statement.For("es").Trim());
        Assert.Equal("I still agree to this treatment today.", definition.Steps.OfType<AffirmationStep>().Single().Statement.For("en").Trim());
    }

    [Theory]
    [MemberData(nameof(Checkins))]
    public void NothingToReport_Clears(string id, string consent)
    {
        _ = consent;
        var session = Run(id, Answers());

        Checks(session, 128, 82, rideConfirmed: true);

        Assert.Equal(SessionStatus.Cleared, session.State.Status);
    }

    [Theory]
    [MemberData(nameof(Checkins))]
    public void ThoughtsOfSelfHarm_AlwaysHold_AndHeadTheReasons(string id, string consent)
    {
        _ = consent;
        var session = Run(id, Answers(crisis: true));

        Checks(session, 128, 82, rideConfirmed: true);

        Assert.Equal(SessionStatus.Held, session.State.Status);
        Assert.Equal("hold-crisis", session.State.HoldReasons[0].Id);
    }

    [Theory]
    [InlineData("new_symptoms", "hold-symptoms")]
    [InlineData("new_medicines", "hold-medicines")]
    [InlineData("might_be_pregnant", "hold-pregnancy")]
    public void EachYes_HoldsWithItsReason(string question, string hold)
    {
        foreach (var id in new[] { "ketamine-iv-dose-checkin", "esketamine-dose-checkin" })
        {
            var answers = Answers();
            answers[question] = true;
            var session = Run(id, answers);

            Checks(session, 120, 80, rideConfirmed: true);

            Assert.Equal([hold], session.State.HoldReasons.Select(r => r.Id));
        }
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void NoRideHome_Holds(bool patientSaysRide, bool staffConfirm)
    {
        var session = Run("esketamine-dose-checkin", Answers(rideHome: patientSaysRide));

        Checks(session, 120, 80, staffConfirm);

        Assert.Equal(["hold-ride-home"], session.State.HoldReasons.Select(r => r.Id));
    }

    [Theory]
    [InlineData(140, 90, SessionStatus.Cleared)]
    [InlineData(141, 90, SessionStatus.Held)]
    [InlineData(140, 91, SessionStatus.Held)]
    [InlineData(185, 70, SessionStatus.Held)]
    public void Esketamine_HoldsAboveTheLabelsPreDoseThreshold(int systolic, int diastolic, SessionStatus expected)
    {
        var session = Run("esketamine-dose-checkin", Answers());

        Checks(session, systolic, diastolic, rideConfirmed: true);

        Assert.Equal(expected, session.State.Status);
    }

    [Fact]
    public void Esketamine_RestatesTheRemsRules()
    {
        var page = Catalog.Value.Latest("esketamine-dose-checkin")!.Definition.Steps.OfType<DisclosureStep>().Single();

        Assert.Contains("at least two hours", page.Content.For("en"), StringComparison.Ordinal);
        Assert.Contains("until the next day, after a restful sleep", page.Content.For("en"), StringComparison.Ordinal);
        Assert.Contains("por lo menos dos horas", page.Content.For("es"), StringComparison.Ordinal);
        Assert.Contains("hasta el día siguiente, después de dormir bien", page.Content.For("es"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Checkins))]
    public void EveryPatientText_ReadsAtGrade8OrBelow(string id, string consent)
    {
        _ = consent;
        var definition = Catalog.Value.Latest(id)!.Definition;
        var texts = definition.ScreeningQuestions.Select(q => (Id: q.Id, Text: q.Text))
            .Concat(definition.Steps.OfType<DisclosureStep>().Select(s => (Id: s.Id, Text: s.Body)))
            .Concat(definition.Steps.OfType<DiscussionStep>().Select(s => (Id: s.Id, Text: s.Reason)))
            .Concat(definition.Steps.OfType<AffirmationStep>().Select(s => (Id: s.Id, Text: s.Statement)))
            .ToList();

        Assert.All(texts, t =>
        {
            var english = ReadingLevel.For("en", t.Text.For("en"))!.Value;
            var spanish = ReadingLevel.For("es", t.Text.For("es"))!.Value;
            Assert.True(english <= 8.0, $"{t.Id} reads at grade {english:0.0} in English");
            // Fernández Huerta 70 or more is "fairly easy", about grade 7 to 8.
            Assert.True(spanish >= 70.0, $"{t.Id} scores {spanish:0.0} (Fernández Huerta) in Spanish");
        });
    }

    [Theory]
    [MemberData(nameof(Checkins))]
    public void EveryHold_HasAStaffNote(string id, string consent)
    {
        _ = consent;
        foreach (var hold in Catalog.Value.Latest(id)!.Definition.Steps.OfType<DiscussionStep>())
        {
            var template = hold.Reason.Template!;
            var name = template[(template.LastIndexOf('/') + 1)..];
            var note = Path.Combine(RepositoryRoot.Path, "templates", "staff", "en", name + ".md");
            Assert.True(File.Exists(note), $"{id}: {hold.Id} has no staff note {note}");
            Assert.StartsWith("# ", File.ReadAllText(note), StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, JsonNode?> Answers(bool crisis = false, bool rideHome = true) => new()
    {
        ["crisis"] = crisis,
        ["new_symptoms"] = false,
        ["new_medicines"] = false,
        ["might_be_pregnant"] = false,
        ["ride_home"] = rideHome,
    };

    /// <summary>The patient's part: identity, the questions, any disclosure, the affirmation.</summary>
    private static SessionDriver Run(string id, Dictionary<string, JsonNode?> answers)
    {
        var session = new SessionDriver(Catalog.Value.Latest(id)!);
        session.Verify();
        session.Accept(new SubmitAnswers("today", answers));
        foreach (var disclosure in session.Workflow.Definition.Steps.OfType<DisclosureStep>())
        {
            session.Acknowledge(disclosure.Id);
        }
        session.Accept(new Affirm("still-agree", true));
        return session;
    }

    private static void Checks(SessionDriver session, int systolic, int diastolic, bool rideConfirmed) =>
        session.Accept(new RecordStaffCheck("before-dose", new Dictionary<string, JsonNode?>
        {
            ["bp_systolic"] = systolic,
            ["bp_diastolic"] = diastolic,
            ["ride_confirmed"] = rideConfirmed,
        }, "nurse-1"), "nurse-1");
}
