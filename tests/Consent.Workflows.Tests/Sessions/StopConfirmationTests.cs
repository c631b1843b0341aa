using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>
/// A "Yes" that leads to a stop step is shown back to the patient before it ends the session: the
/// patient confirms it, or goes back and changes it. One mis-tap must not end a consent for good.
/// </summary>
public sealed class StopConfirmationTests
{
    [Fact]
    public void TheStopStep_ShowsTheAnswerThatLedToIt_InThePatientsLanguage()
    {
        var session = AtThePregnancyStop();

        var en = PatientView.Render(session.Workflow, session.State, "en");
        var es = PatientView.Render(session.Workflow, session.State, "es");

        Assert.Equal("InProgress", en.SessionStatus);
        Assert.Equal("stop", en.Step?.Type);
        var answer = Assert.Single(en.Step!.Confirm!);
        Assert.Equal(new PatientAnswerView("pregnant", "Are you pregnant or could you be pregnant?", "Yes"), answer);
        Assert.Equal(new PatientAnswerView("pregnant", "¿Está embarazada o podría estarlo?", "Sí"), Assert.Single(es.Step!.Confirm!));
        Assert.StartsWith("Ketamine is not used in pregnancy", en.Step.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangingTheAnswer_ReopensTheScreening_KeepsTheAnswers_AndANoGoesOn()
    {
        var session = AtThePregnancyStop();

        var events = session.Accept(new ChangeAnswers("refer-pregnancy"));

        var reopened = Assert.Single(events);
        Assert.Equal(EventTypes.AnswersReopened, reopened.Type);
        Assert.Equal("screening", reopened.StepId);
        Assert.Equal("refer-pregnancy", reopened.Payload["stop"]!.GetValue<string>());
        Assert.Equal("screening", session.State.CurrentStep?.Id);
        Assert.True(session.State.Answers["pregnant"].GetValue<bool>());
        Assert.Equal(SessionStatus.InProgress, session.State.Status);

        session.Screen(pregnant: false);

        Assert.Equal("dissociation", session.State.CurrentStep?.Id);
        Assert.DoesNotContain(session.Events, e => e.Type == EventTypes.StopReached);
        var replayed = ConsentInterpreter.Replay(session.Workflow, session.Events);
        Assert.Equal(session.State.CompletedSteps, replayed.CompletedSteps);
        Assert.Equal("dissociation", replayed.CurrentStep?.Id);
    }

    [Fact]
    public void AtTheStop_OnlyConfirmChangeDeclineAndQuestionsAreTaken()
    {
        var session = AtThePregnancyStop();

        Assert.Equal(RefusalKind.Conflict, session.Refuse(new AcknowledgeDisclosure("dissociation", session.HashOf("dissociation"), null)).Kind);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = false, ["substance_use"] = false })).Kind);
        Assert.Equal(RefusalKind.Invalid, session.Refuse(new ConfirmStop("screening")).Kind);
        session.Accept(new AskQuestion("refer-pregnancy", "What happens next?"));

        session.Accept(new ConfirmStop("refer-pregnancy"));

        Assert.Equal(SessionStatus.Referred, session.State.Status);
        Assert.Equal(RefusalKind.Conflict, session.Refuse(new ChangeAnswers("refer-pregnancy")).Kind);
    }

    [Fact]
    public void APatientMayStillDecline_WhileTheStopWaits()
    {
        var session = AtThePregnancyStop();

        session.Accept(new Decline(null));

        Assert.Equal(SessionStatus.Declined, session.State.Status);
    }

    private static SessionDriver AtThePregnancyStop()
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen(pregnant: true);
        Assert.Equal("refer-pregnancy", session.State.CurrentStep?.Id);
        return session;
    }
}
