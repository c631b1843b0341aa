using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

public sealed class ConsentInterpreterTests
{
    [Fact]
    public void NewSession_IsInvited_WithIdentityAsCurrentStep()
    {
        var session = new SessionDriver();

        Assert.Equal(SessionStatus.Invited, session.State.Status);
        Assert.Equal("identity", session.State.CurrentStep?.Id);
        Assert.Equal(SessionDriver.Start.AddDays(7), session.State.ExpiresAt);
    }

    [Fact]
    public void HappyPath_CountersignCompletesTheSession()
    {
        var session = new SessionDriver().ToSignature();
        session.Sign();

        Assert.Equal(SessionStatus.AwaitingCountersign, session.State.Status);
        Assert.Null(session.State.CurrentStep);

        session.Accept(new Countersign("staff-1", true), "staff-1");

        Assert.Equal(SessionStatus.Completed, session.State.Status);
        Assert.Equal("staff-1", session.State.Countersignature?.StaffId);
        Assert.Equal("maria jose NUÑEZ", session.State.PatientSignature?.FullName);
        Assert.Equal(["identity", "screening", "dissociation", "driving", "understanding", "questions", "sign", "countersign"], session.State.CompletedSteps);
    }

    [Fact]
    public void PregnantAnswer_StopsTheSessionAsReferred_OnceThePatientConfirmsIt()
    {
        var session = new SessionDriver();
        session.Verify();

        var events = session.Accept(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = true, ["substance_use"] = false }));

        // A mis-tap must not end the consent: the stop waits for the patient to confirm the answer.
        Assert.Equal([EventTypes.AnswersRecorded], events.Select(e => e.Type));
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
        Assert.Equal("refer-pregnancy", session.State.CurrentStep?.Id);

        events = session.Accept(new ConfirmStop("refer-pregnancy"));

        var stop = Assert.Single(events);
        Assert.Equal(EventTypes.StopReached, stop.Type);
        Assert.Equal("referred", stop.Payload["outcome"]!.GetValue<string>());
        Assert.True(stop.Payload["confirmed"]!.GetValue<bool>());
        Assert.Equal(SessionStatus.Referred, session.State.Status);
        Assert.Equal("refer-pregnancy", session.State.Ending?.StepId);
        Assert.Contains("not used in pregnancy", session.State.Ending?.Message?.For("en"), StringComparison.Ordinal);
        Assert.Null(session.State.CurrentStep);
        session.Refuse(new AcknowledgeDisclosure("dissociation", session.HashOf("dissociation"), null));
    }

    [Fact]
    public void SubstanceUse_AddsTheExtraDisclosureAndAHoldBeforeSigning()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen(substanceUse: true);
        session.Acknowledge("dissociation");
        session.Acknowledge("driving", "MJN");

        Assert.Equal("misuse-history", session.State.CurrentStep?.Id);
        var events = session.Accept(new AcknowledgeDisclosure("misuse-history", session.HashOf("misuse-history"), "MJN"));

        Assert.Equal([EventTypes.DisclosureAcknowledged, EventTypes.HoldOpened], events.Select(e => e.Type));
        var hold = Assert.Single(session.State.Holds);
        Assert.Equal("discuss-substance-use", hold.Id);
        Assert.Equal(HoldKind.Discussion, hold.Kind);
        Assert.Contains("alcohol", hold.Reason?.For("en"), StringComparison.Ordinal);
        Assert.Equal("understanding", session.State.CurrentStep?.Id);

        session.Quiz(right: true);
        session.Accept(new FinishAsking("questions"));
        var refused = session.Refuse(new SignAsPatient("sign", "María José Núñez", true, [], session.RegisteredName));
        Assert.Equal(RefusalKind.Conflict, refused.Kind);

        session.Accept(new RecordDiscussion("Talked about past alcohol use; plan agreed.", "staff-2"), "staff-2");
        Assert.Empty(session.State.OpenHolds);
        Assert.Equal("staff-2", session.State.Holds[0].ResolvedBy);

        session.Sign();
        Assert.Equal(SessionStatus.AwaitingCountersign, session.State.Status);
    }

    [Fact]
    public void NoSubstanceUse_SkipsTheConditionalSteps()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen(substanceUse: false);
        session.Acknowledge("dissociation");
        session.Acknowledge("driving", "MJN");

        Assert.Equal("understanding", session.State.CurrentStep?.Id);
        Assert.Empty(session.State.Holds);
        Assert.DoesNotContain("misuse-history", session.State.CompletedSteps);
    }

    [Fact]
    public void OptionalChoice_BringsInTheStepItsConditionNames()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen(heardFrom: "doctor");
        session.Acknowledge("dissociation");
        session.Acknowledge("driving", "MJN");

        Assert.Equal("doctor-note", session.State.CurrentStep?.Id);
    }

    [Fact]
    public void TwoFailedQuizzes_OpenAComprehensionHold_AndThePatientMovesOn()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen();
        session.Acknowledge("dissociation");
        session.Acknowledge("driving", "MJN");

        var first = session.Quiz(right: false);
        Assert.False(first[0].Payload["passed"]!.GetValue<bool>());
        Assert.Equal(1, first[0].Payload["attemptsLeft"]!.GetValue<int>());
        Assert.Equal("driving", first[0].Payload["review"]![0]!.GetValue<string>());
        Assert.Equal("understanding", session.State.CurrentStep?.Id);

        var second = session.Quiz(right: false);

        Assert.Equal([EventTypes.ComprehensionAttempted, EventTypes.HoldOpened], second.Select(e => e.Type));
        Assert.Equal("comprehension:understanding", Assert.Single(session.State.OpenHolds).Id);
        Assert.Equal("questions", session.State.CurrentStep?.Id);
        Assert.Equal(2, session.State.QuizAttempts["understanding"].Count);
    }

    [Fact]
    public void Decline_MidWay_EndsDeclinedWithTheReason()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen();

        var events = session.Accept(new Decline("  I want to think about it  "));

        Assert.Equal(SessionStatus.Declined, session.State.Status);
        Assert.Equal("I want to think about it", session.State.Ending?.Reason);
        Assert.Equal("dissociation", events[0].StepId);
        Assert.Null(session.State.CurrentStep);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new Decline(null)).Kind);
    }

    [Fact]
    public void Withdraw_IsOnlyAllowedFromCompleted()
    {
        var session = new SessionDriver().ToSignature();
        session.Sign();
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new Withdraw("changed my mind", "patient")).Kind);

        session.Accept(new Countersign("staff-1", true), "staff-1");
        session.Accept(new Withdraw("changed my mind", "patient"));

        Assert.Equal(SessionStatus.Withdrawn, session.State.Status);
        Assert.Equal("changed my mind", session.State.Ending?.Reason);
    }

    [Fact]
    public void ExpiredLink_RefusesPatientActionsAsGone_AndExpireEndsTheSession()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Now = SessionDriver.Start.AddDays(8);

        Assert.Equal(RefusalKind.Gone, session.Refuse(new VerifyIdentity(true)).Kind);
        Assert.Equal(RefusalKind.Gone, session.Refuse(new Decline(null)).Kind);

        session.Accept(new Expire(), "system");
        Assert.Equal(SessionStatus.Expired, session.State.Status);
        Assert.Equal(RefusalKind.Gone, session.Refuse(new VerifyIdentity(true)).Kind);
    }

    [Fact]
    public void Expire_BeforeTheLinkRunsOut_IsRefused()
    {
        var session = new SessionDriver();

        Assert.Equal(RefusalKind.Conflict, session.Refuse(new Expire()).Kind);
    }

    [Fact]
    public void WrongDateOfBirth_LocksTheLinkAfterMaxAttempts_UntilReissued()
    {
        var session = new SessionDriver();
        session.Accept(new VerifyIdentity(false));
        session.Accept(new VerifyIdentity(false));
        var last = session.Accept(new VerifyIdentity(false));

        Assert.Equal([EventTypes.IdentityCheckFailed, EventTypes.LinkLocked], last.Select(e => e.Type));
        Assert.True(session.State.Identity.Locked);
        Assert.Equal(RefusalKind.Locked, session.Refuse(new VerifyIdentity(true)).Kind);

        session.Accept(new ReissueLink(session.Now.AddDays(3), "staff-1"), "staff-1");
        Assert.False(session.State.Identity.Locked);
        Assert.Equal(0, session.State.Identity.Failures);
        session.Verify();
        Assert.Equal(SessionStatus.InProgress, session.State.Status);
    }

    /// <summary>21 CFR 11.10(h): a link made for a clinic tablet is recorded as such, and so is every identity check made through it.</summary>
    [Fact]
    public void ALinkMadeForAClinicTablet_RecordsTheDevice_OnTheLinkAndOnTheIdentityCheck()
    {
        var session = new SessionDriver();
        var own = session.Accept(new VerifyIdentity(true)).Single(e => e.Type == EventTypes.IdentityVerified);
        Assert.False(own.Payload.ContainsKey("device")); // the patient's own link: nothing written, as before
        Assert.Equal([Devices.OwnDevice], session.State.VerifiedOn);

        var reissued = session.Accept(new ReissueLink(session.Now.AddHours(12), "staff-1", Device: Devices.ClinicTablet), "staff-1").Single();
        Assert.Equal(Devices.ClinicTablet, reissued.Payload["device"]!.GetValue<string>());
        Assert.Equal(Devices.ClinicTablet, session.State.LinkDevice);

        var onTablet = session.Accept(new VerifyIdentity(true)).Single(e => e.Type == EventTypes.IdentityVerified);
        Assert.Equal(Devices.ClinicTablet, onTablet.Payload["device"]!.GetValue<string>());
        Assert.Equal([Devices.ClinicTablet, Devices.OwnDevice], session.State.VerifiedOn);

        // A link for the patient's own device again (a new link to send): no device, and later checks say so.
        session.Accept(new ReissueLink(session.Now.AddDays(3), "staff-1"), "staff-1");
        Assert.Null(session.State.LinkDevice);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new ReissueLink(session.Now.AddDays(3), "staff-1", Device: "a stranger's phone")).Kind);
    }

    [Fact]
    public void StepActions_BeforeIdentity_AreRefused()
    {
        var session = new SessionDriver();

        var refused = session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = false, ["substance_use"] = false }));

        Assert.Equal(RefusalKind.Conflict, refused.Kind);
    }

    [Fact]
    public void Answers_AreChecked()
    {
        var session = new SessionDriver();
        session.Verify();

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = false })).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = "no", ["substance_use"] = false })).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = false, ["substance_use"] = false, ["shoe_size"] = 9 })).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = false, ["substance_use"] = false, ["heard_from"] = "radio" })).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = false, ["substance_use"] = false, ["notes"] = new string('x', 501) })).Kind);
        Assert.Equal(RefusalKind.NotFound, session.Refuse(new SubmitAnswers("nope", new Dictionary<string, JsonNode?>())).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SubmitAnswers("dissociation", new Dictionary<string, JsonNode?>())).Kind);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new AcknowledgeDisclosure("dissociation", session.HashOf("dissociation"), null)).Kind);
    }

    [Fact]
    public void Acknowledgment_WithAStaleHash_IsAConflict_AndInitialsAreRequiredWhenAsked()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen();

        Assert.Equal(RefusalKind.Conflict, session.Refuse(new AcknowledgeDisclosure("dissociation", new string('0', 64), null)).Kind);
        session.Acknowledge("dissociation");
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new AcknowledgeDisclosure("driving", session.HashOf("driving"), "  ")).Kind);
        session.Acknowledge("driving", "M.J.N.");

        var ack = session.State.Acknowledgments["driving"];
        Assert.Equal(AcknowledgeMethod.Initials, ack.Method);
        Assert.Equal("M.J.N.", ack.Initials);
        Assert.Equal(session.HashOf("driving"), ack.ContentHash);
    }

    [Fact]
    public void Signature_IsRefused_WithoutCertification_OrWithOpenQuestions()
    {
        var session = new SessionDriver().ToSignature();

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new SignAsPatient("sign", "Maria Jose Nunez", false, [], session.RegisteredName)).Kind);

        session.Accept(new AskQuestion("sign", "Can I eat before the treatment?"));
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new SignAsPatient("sign", "Maria Jose Nunez", true, [], session.RegisteredName)).Kind);

        session.Accept(new AnswerQuestion("q1", "Nothing to eat for 4 hours before.", "staff-1"), "staff-1");
        session.Accept(new SignAsPatient("sign", "Maria Jose Nunez", true, [], session.RegisteredName));

        Assert.Empty(session.State.PatientSignature!.Strokes);
        Assert.Equal("typed", session.Events[^1].Payload["method"]!.GetValue<string>());
    }

    [Fact]
    public void Questions_GetDeterministicIds_AndAnswersAreRecorded()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Accept(new AskQuestion(null, "How long is a session?"));
        session.Accept(new AskQuestion("screening", "Is it covered by insurance?"));
        session.Accept(new AnswerQuestion("q2", "Usually not.", "staff-9"), "staff-9");

        Assert.Equal(["q1", "q2"], session.State.Questions.Select(q => q.Id));
        Assert.Equal("staff-9", session.State.Questions[1].AnsweredBy);
        Assert.Single(session.State.UnansweredQuestions);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new AnswerQuestion("q2", "again", "staff-9")).Kind);
        Assert.Equal(RefusalKind.NotFound, session.Refuse(new AnswerQuestion("q7", "?", "staff-9")).Kind);
    }

    [Fact]
    public void Countersign_OnlyWhenAwaitingCountersign()
    {
        var session = new SessionDriver().ToSignature();

        Assert.Equal(RefusalKind.Conflict, session.Refuse(new Countersign("staff-1", true)).Kind);
        session.Sign();
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new Countersign("staff-1", false)).Kind);
    }

    [Fact]
    public void Void_EndsAnUnfinishedSession_ButNotACompletedOne()
    {
        var voided = new SessionDriver();
        voided.Verify();
        voided.Accept(new VoidSession("Wrong patient selected", "staff-1"), "staff-1");
        Assert.Equal(SessionStatus.Voided, voided.State.Status);

        var completed = new SessionDriver().ToSignature();
        completed.Sign();
        completed.Accept(new Countersign("staff-1", true), "staff-1");
        Assert.Equal(RefusalKind.Conflict, completed.Refuse(new VoidSession("too late", "staff-1")).Kind);
    }

    [Fact]
    public void IssueRecord_AfterCompletion_IsKept()
    {
        var session = new SessionDriver().ToSignature();
        session.Sign();
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new IssueRecord(new string('a', 64), "signed-record")).Kind);
        session.Accept(new Countersign("staff-1", true), "staff-1");
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new IssueRecord("ABC", "signed-record")).Kind);

        Assert.Equal(RefusalKind.Invalid, session.Refuse(new IssueRecord(new string('a', 64), "a kind with spaces")).Kind);

        session.Accept(new IssueRecord(new string('a', 64), "Consent"), "system");

        Assert.Equal("Consent", Assert.Single(session.State.Records).Kind);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new IssueRecord(new string('b', 64), "Consent")).Kind);
    }

    [Fact]
    public void CommandsOnAMissingSession_AreNotFound()
    {
        var empty = ConsentInterpreter.Replay(Repository.TestConsent, []);

        var decision = ConsentInterpreter.Decide(Repository.TestConsent, empty, new VerifyIdentity(true), SessionDriver.Start);

        Assert.Equal(RefusalKind.NotFound, Assert.IsType<Decision.Refused>(decision).Kind);
    }

    [Fact]
    public void Progress_CountsOnlyApplicablePatientSteps()
    {
        var session = new SessionDriver();
        Assert.Equal(new SessionProgress(0, 7), session.State.Progress);

        session.Verify();
        session.Screen(substanceUse: true);

        Assert.Equal(new SessionProgress(2, 8), session.State.Progress);
    }
}
