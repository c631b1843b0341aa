using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>A dose-day check-in through the interpreter: cleared, held with reasons, decided by a clinician.</summary>
public sealed class CheckinInterpreterTests
{
    private static LoadedWorkflow Checkin => Repository.TestCheckin;

    [Fact]
    public void TheFixture_IsACheckinThatRequiresTheConsent()
    {
        var definition = Checkin.Definition;

        Assert.Equal((WorkflowKind.Checkin, "test-consent"), (definition.Kind, definition.Requires));
    }

    [Fact]
    public void NothingToReport_EndsCleared()
    {
        var session = new SessionDriver(Checkin);

        Patient(session);
        var events = Vitals(session, 128, 82, rideConfirmed: true);

        Assert.Equal([EventTypes.StaffCheckRecorded, EventTypes.CheckinCleared], events.Select(e => e.Type));
        Assert.Equal(SessionStatus.Cleared, session.State.Status);
        Assert.Empty(session.State.HoldReasons);
        Assert.True(session.State.Affirmed);
    }

    [Fact]
    public void StaffChecksFirst_ThenThePatient_EndsClearedWithThePatientsLastStep()
    {
        var session = new SessionDriver(Checkin);

        Assert.Equal([EventTypes.StaffCheckRecorded], Vitals(session, 128, 82, rideConfirmed: true).Select(e => e.Type));
        Assert.Equal(SessionStatus.Invited, session.State.Status);
        session.Verify();
        Answer(session);
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
        var last = session.Accept(new Affirm("still-agree", true));

        Assert.Equal([EventTypes.AffirmationRecorded, EventTypes.CheckinCleared], last.Select(e => e.Type));
        Assert.Equal(SessionStatus.Cleared, session.State.Status);
    }

    [Fact]
    public void HighBloodPressure_EndsHeldWithTheValuesThatLedThere()
    {
        var session = new SessionDriver(Checkin);
        Patient(session);

        Vitals(session, 152, 84, rideConfirmed: true);

        Assert.Equal(SessionStatus.Held, session.State.Status);
        var reason = Assert.Single(session.State.HoldReasons);
        Assert.Equal("hold-blood-pressure", reason.Id);
        Assert.Equal(152m, reason.Values["bp_systolic"]!.GetValue<decimal>());
        Assert.Equal(84m, reason.Values["bp_diastolic"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void NoRideHome_EndsHeld(bool patientHasRide, bool staffConfirmed)
    {
        var session = new SessionDriver(Checkin);
        Patient(session, rideHome: patientHasRide);

        Vitals(session, 120, 80, rideConfirmed: staffConfirmed);

        Assert.Equal(SessionStatus.Held, session.State.Status);
        Assert.Equal(["hold-ride"], session.State.HoldReasons.Select(r => r.Id));
    }

    [Fact]
    public void ACrisisAnswer_HoldsForAClinician_EvenWithEverythingElseClear()
    {
        var session = new SessionDriver(Checkin);
        Patient(session, crisis: true);

        Vitals(session, 118, 76, rideConfirmed: true);

        Assert.Equal(SessionStatus.Held, session.State.Status);
        Assert.Equal(["hold-crisis"], session.State.HoldReasons.Select(r => r.Id));
    }

    [Fact]
    public void SeveralReasons_AreAllNamed()
    {
        var session = new SessionDriver(Checkin);
        Patient(session, crisis: true, rideHome: false);

        Vitals(session, 170, 100, rideConfirmed: false);

        Assert.Equal(["hold-blood-pressure", "hold-ride", "hold-crisis"], session.State.HoldReasons.Select(r => r.Id));
    }

    [Fact]
    public void APatientWhoNoLongerAgrees_EndsHeldAtOnce_WithoutWaitingForTheStaffChecks()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        Answer(session);

        var events = session.Accept(new Affirm("still-agree", false));

        Assert.Equal([EventTypes.AffirmationRecorded, EventTypes.CheckinHeld], events.Select(e => e.Type));
        Assert.Equal(SessionStatus.Held, session.State.Status);
        Assert.Equal([CheckinReasons.NoLongerAgrees], session.State.HoldReasons.Select(r => r.Id));
        Assert.False(session.State.Affirmed);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(Vitals(128, 82, true)).Kind);
    }

    /// <summary>A clinician cannot clear a patient who said no today, nor a check-in whose staff checks were never taken.</summary>
    [Fact]
    public void APatientWhoNoLongerAgrees_CanOnlyBeDecidedNotToday()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        Answer(session);
        session.Accept(new Affirm("still-agree", false));

        var refused = session.Refuse(new DecideCheckin(CheckinDecision.Cleared, "Talked; the patient is fine to go ahead.", "dr-1"));
        Assert.Equal(RefusalKind.Conflict, refused.Kind);
        Assert.Contains("do not agree", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(SessionStatus.Held, session.State.Status);

        session.Accept(new DecideCheckin(CheckinDecision.NotToday, "The patient does not want a dose today.", "dr-1"), "dr-1");
        Assert.Equal(SessionStatus.NotToday, session.State.Status);
    }

    [Theory]
    [InlineData(CheckinDecision.Cleared, SessionStatus.Cleared, EventTypes.CheckinReleased, "cleared")]
    [InlineData(CheckinDecision.NotToday, SessionStatus.NotToday, EventTypes.CheckinNotToday, "not-today")]
    public void AClinicianDecidesAHeldCheckin(CheckinDecision decision, SessionStatus status, string eventType, string written)
    {
        var session = new SessionDriver(Checkin);
        Patient(session);
        Vitals(session, 150, 85, rideConfirmed: true);

        var events = session.Accept(new DecideCheckin(decision, "  Rechecked after 10 minutes: 132/84.  ", "dr-1"), "dr-1");

        var decided = Assert.Single(events);
        Assert.Equal(eventType, decided.Type);
        Assert.Equal(written, decided.Payload["decision"]!.GetValue<string>());
        Assert.Equal(status, session.State.Status);
        Assert.Equal(new CheckinDecisionEntry(decision, "Rechecked after 10 minutes: 132/84.", "dr-1", session.Events[^1].At), session.State.CheckinDecision);
        Assert.Equal(status, SessionLifecycle.StatusOf(session.Events.Select(e => e.Type)));
        Assert.Equal(status, ConsentInterpreter.Replay(Checkin, session.Events).Status);
    }

    [Fact]
    public void ADecision_IsOnlyForAHeldCheckin_AndOnlyOnce()
    {
        var session = new SessionDriver(Checkin);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new DecideCheckin(CheckinDecision.Cleared, "fine", "dr-1")).Kind);
        Patient(session);
        Vitals(session, 120, 80, rideConfirmed: true);
        Assert.Equal(SessionStatus.Cleared, session.State.Status);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new DecideCheckin(CheckinDecision.NotToday, "no", "dr-1")).Kind);

        var held = new SessionDriver(Checkin);
        Patient(held);
        Vitals(held, 150, 80, rideConfirmed: true);
        Assert.Equal(RefusalKind.Invalid, held.Refuse(new DecideCheckin(CheckinDecision.Cleared, "  ", "dr-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, held.Refuse(new DecideCheckin(CheckinDecision.Cleared, "ok", " ")).Kind);
        Assert.Equal(RefusalKind.Invalid, held.Refuse(new DecideCheckin((CheckinDecision)7, "ok", "dr-1")).Kind);
        held.Accept(new DecideCheckin(CheckinDecision.NotToday, "BP stays high; rebooked.", "dr-1"));
        Assert.Equal(RefusalKind.Conflict, held.Refuse(new DecideCheckin(CheckinDecision.Cleared, "changed my mind", "dr-1")).Kind);
    }

    [Fact]
    public void ACheckin_SealsTheConsentItReliesOn_AndAConsentRefusesOne()
    {
        var reliesOn = new ReliesOn(Guid.Parse("6f1c2a4e-8b3d-4c7a-9e21-5d0b7f3a91c4"), 2, SessionDriver.Start.AddDays(-30), new string('a', 64));

        var checkin = ConsentInterpreter.Decide(Checkin, SessionState.Empty,
            new CreateSession("en", SessionDriver.Start.AddDays(1), "digest", "staff-1", ReliesOn: reliesOn), SessionDriver.Start);
        var consent = ConsentInterpreter.Decide(Repository.TestConsent, SessionState.Empty,
            new CreateSession("en", SessionDriver.Start.AddDays(1), "digest", "staff-1", ReliesOn: reliesOn), SessionDriver.Start);

        var created = Assert.Single(Assert.IsType<Decision.Accepted>(checkin).Events);
        Assert.Equal(reliesOn, SessionCreatedPayload.From(created.Payload).ReliesOn);
        var state = ConsentInterpreter.Apply(Checkin, SessionState.Empty,
            new RecordedEvent(1, created.Type, created.StepId, created.Payload, created.ContentHash, "staff-1", SessionDriver.Start));
        Assert.Equal(reliesOn, state.ReliesOn);
        Assert.Equal(RefusalKind.Invalid, Assert.IsType<Decision.Refused>(consent).Kind);
    }

    [Fact]
    public void ADecisionNote_FitsTheOnePageRecord()
    {
        var held = new SessionDriver(Checkin);
        Patient(held);
        Vitals(held, 150, 80, rideConfirmed: true);

        var refused = held.Refuse(new DecideCheckin(CheckinDecision.Cleared, new string('n', CheckinLimits.MaxDecisionNoteLength + 1), "dr-1"));

        Assert.Equal(RefusalKind.Invalid, refused.Kind);
        Assert.Contains("one-page check-in record", refused.Reason, StringComparison.Ordinal);
        held.Accept(new DecideCheckin(CheckinDecision.Cleared, new string('n', CheckinLimits.MaxDecisionNoteLength), "dr-1"));
        Assert.Equal(SessionStatus.Cleared, held.State.Status);
    }

    [Theory]
    [InlineData(59, 80)]
    [InlineData(261, 80)]
    [InlineData(120, 161)]
    public void AValueOutsideThePlausibleRange_IsRefusedAsATypingError(int systolic, int diastolic)
    {
        var session = new SessionDriver(Checkin);

        var refused = session.Refuse(Vitals(systolic, diastolic, true));

        Assert.Equal(RefusalKind.Invalid, refused.Kind);
        Assert.Contains("typing error", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedStaffChecks_AreRefused()
    {
        var session = new SessionDriver(Checkin);
        Dictionary<string, JsonNode?> Values(JsonNode? systolic, JsonNode? ride) => new()
        {
            ["bp_systolic"] = systolic,
            ["bp_diastolic"] = 80,
            ["ride_confirmed"] = ride,
        };

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new RecordStaffCheck("vitals", Values("120", true), "nurse-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new RecordStaffCheck("vitals", Values(120, "yes"), "nurse-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new RecordStaffCheck("vitals", Values(null, true), "nurse-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new RecordStaffCheck("vitals", new Dictionary<string, JsonNode?>(Values(120, true)) { ["pulse"] = 70 }, "nurse-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new RecordStaffCheck("vitals", Values(120, true), "")).Kind);
        Assert.Equal(RefusalKind.NotFound, session.Refuse(new RecordStaffCheck("today", Values(120, true), "nurse-1")).Kind);
        session.Accept(new RecordStaffCheck("vitals", Values(120.5, true), "nurse-1"), "nurse-1");
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new RecordStaffCheck("vitals", Values(125, true), "nurse-1")).Kind);
    }

    [Fact]
    public void StaffChecksAndDecisions_AreRefusedOnAConsent()
    {
        var session = new SessionDriver();
        session.Verify();

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new RecordStaffCheck("vitals", new Dictionary<string, JsonNode?>(), "nurse-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new DecideCheckin(CheckinDecision.Cleared, "ok", "dr-1")).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new Affirm("screening", true)).Kind);
    }

    [Fact]
    public void TheAffirmation_WaitsForTheQuestions()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();

        Assert.Equal(RefusalKind.Conflict, session.Refuse(new Affirm("still-agree", true)).Kind);
        Assert.Equal("today", session.State.CurrentStep?.Id);
    }

    [Fact]
    public void ThePatientSeesOnlyTheirOwnSteps()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        Answer(session);

        Assert.Equal("still-agree", session.State.CurrentStep?.Id);
        Assert.Equal(new SessionProgress(2, 3), session.State.Progress);
        var view = PatientView.Render(Checkin, session.State, "es");
        Assert.Equal("Sigo de acuerdo con este tratamiento hoy.", view.Step?.Statement);
    }

    [Fact]
    public void ACheckin_HasNothingToDecline()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        Answer(session, crisis: true);

        var refused = session.Refuse(new Decline("no"));

        Assert.Equal(RefusalKind.Conflict, refused.Kind);
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
    }

    [Fact]
    public void ACrisisAnswer_CannotBeVoidedAway_AndCanBeEndedNotToday()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        Answer(session, crisis: true);

        // The patient left before the affirmation: the crisis answer already holds the check-in.
        Assert.Equal(["hold-crisis"], CheckinHolds.Pending(Checkin.Definition, session.State).Select(r => r.Id));
        Assert.Contains("hold-crisis", session.Refuse(new VoidSession("redo", "dr-1")).Reason, StringComparison.Ordinal);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new DecideCheckin(CheckinDecision.Cleared, "fine", "dr-1")).Kind);
        session.Accept(new DecideCheckin(CheckinDecision.NotToday, "Talked about the crisis line; seen by the psychiatrist today.", "dr-1"), "dr-1");

        Assert.Equal(SessionStatus.NotToday, session.State.Status);
        Assert.Equal(SessionStatus.NotToday, ConsentInterpreter.Replay(Checkin, session.Events).Status);
    }

    [Fact]
    public void ACheckinWithNoHoldYet_CanBeVoided_ButNotEndedByADecision()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        // ride_home is no, but the condition also reads the staff's ride_confirmed, not entered yet: nothing holds yet.
        Answer(session, rideHome: false);

        Assert.Empty(CheckinHolds.Pending(Checkin.Definition, session.State));
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new DecideCheckin(CheckinDecision.NotToday, "no", "dr-1")).Kind);
        session.Accept(new VoidSession("started for the wrong patient", "dr-1"), "dr-1");
        Assert.Equal(SessionStatus.Voided, session.State.Status);
    }

    [Fact]
    public void ACheckinWithAHold_IsHeldNotExpired_WhenItsLinkRunsOut()
    {
        var held = new SessionDriver(Checkin);
        held.Verify();
        Answer(held, crisis: true);
        held.Now = held.State.ExpiresAt.AddMinutes(1);

        Assert.Equal([EventTypes.CheckinHeld], held.Accept(new Expire(), "system").Select(e => e.Type));
        Assert.Equal(["hold-crisis"], held.State.HoldReasons.Select(r => r.Id));
        // It never reached the affirmation, so it cannot be cleared, only decided "not today".
        Assert.Equal(RefusalKind.Conflict, held.Refuse(new DecideCheckin(CheckinDecision.Cleared, "fine", "dr-1")).Kind);
        held.Accept(new DecideCheckin(CheckinDecision.NotToday, "Called the patient; safe, seen tomorrow.", "dr-1"), "dr-1");

        var quiet = new SessionDriver(Checkin);
        quiet.Verify();
        Answer(quiet);
        quiet.Now = quiet.State.ExpiresAt.AddMinutes(1);
        Assert.Equal([EventTypes.Expired], quiet.Accept(new Expire(), "system").Select(e => e.Type));
    }

    [Fact]
    public void AnUnansweredQuestion_HoldsTheCheckin()
    {
        var session = new SessionDriver(Checkin);
        session.Verify();
        session.Accept(new AskQuestion("today", "I felt like hurting myself yesterday, should I still come in?"));
        Answer(session);
        session.Accept(new Affirm("still-agree", true));

        Vitals(session, 120, 80, rideConfirmed: true);

        Assert.Equal(SessionStatus.Held, session.State.Status);
        var reason = Assert.Single(session.State.HoldReasons);
        Assert.Equal(CheckinReasons.OpenQuestion, reason.Id);
        Assert.Equal("q1", reason.Values["questions"]![0]!.GetValue<string>());
    }

    private static void Patient(SessionDriver session, bool rideHome = true, bool crisis = false)
    {
        session.Verify();
        Answer(session, rideHome, crisis);
        session.Accept(new Affirm("still-agree", true));
    }

    private static void Answer(SessionDriver session, bool rideHome = true, bool crisis = false) =>
        session.Accept(new SubmitAnswers("today", new Dictionary<string, JsonNode?> { ["ride_home"] = rideHome, ["crisis"] = crisis }));

    private static IReadOnlyList<NewEvent> Vitals(SessionDriver session, decimal systolic, decimal diastolic, bool rideConfirmed) =>
        session.Accept(Vitals(systolic, diastolic, rideConfirmed), "nurse-1");

    private static RecordStaffCheck Vitals(decimal systolic, decimal diastolic, bool rideConfirmed) =>
        new("vitals", new Dictionary<string, JsonNode?>
        {
            ["bp_systolic"] = systolic,
            ["bp_diastolic"] = diastolic,
            ["ride_confirmed"] = rideConfirmed,
        }, "nurse-1");
}
