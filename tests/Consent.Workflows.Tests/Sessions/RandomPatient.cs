using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>Turns generated numbers into session commands: mostly sensible, sometimes wrong, now and then hostile.</summary>
internal static class RandomPatient
{
    /// <summary>The command for action (<paramref name="kind"/>, <paramref name="variant"/>) in the current state.</summary>
    public static (SessionCommand Command, string Actor, TimeSpan Wait) Command(SessionDriver session, int kind, int variant)
    {
        var state = session.State;
        var stepIds = session.Workflow.Definition.Steps.Select(s => s.Id).ToArray();
        // Step commands usually target the current step, sometimes any step.
        var stepId = variant % 5 == 0 || state.CurrentStep is null ? stepIds[variant % stepIds.Length] : state.CurrentStep.Id;
        var hour = TimeSpan.FromHours(1);
        return kind switch
        {
            < 40 => (Sensible(session, variant), "patient", hour),
            < 44 => (new VerifyIdentity(variant % 3 != 0), "patient", hour),
            < 48 => (new SubmitAnswers(stepId, Answers(variant)), "patient", hour),
            < 52 => (new AcknowledgeDisclosure(stepId, variant % 4 == 0 ? "stale" : HashOrEmpty(session, stepId), variant % 3 == 0 ? null : "AB"), "patient", hour),
            < 56 => (new SubmitQuiz(stepId, Quiz(variant)), "patient", hour),
            < 62 => (new AskQuestion(variant % 7 == 0 ? "no-such-step" : stepId, variant % 11 == 0 ? " " : $"Question {variant}?"), "patient", hour),
            < 70 => (new AnswerQuestion($"q{1 + variant % 3}", variant % 9 == 0 ? "" : "An answer.", "staff-1"), "staff-1", hour),
            < 73 => (new FinishAsking(stepId), "patient", hour),
            < 77 => (new SignAsPatient(stepId, variant % 4 == 0 ? "Someone Else" : "maria jose nunez", variant % 5 != 0,
                variant % 2 == 0 ? [] : [[(0.5, 0.5), (double.NaN, 1)]], session.RegisteredName), "patient", hour),
            < 83 => (new RecordDiscussion(variant % 7 == 0 ? "" : "Discussed.", "staff-2"), "staff-2", hour),
            < 88 => (new Countersign("staff-1", variant % 4 != 0), "staff-1", hour),
            < 89 => (new Decline(variant % 2 == 0 ? null : "No thanks"), "patient", hour),
            < 90 => (new VoidSession(variant % 2 == 0 ? "" : "Wrong patient", "staff-1"), "staff-1", hour),
            < 92 => (new Withdraw("Changed my mind", "patient"), "patient", hour),
            < 94 => (new Expire(), "system", variant % 3 == 0 ? TimeSpan.FromDays(8) : hour),
            < 96 => (new ReissueLink(session.Now.AddDays(variant % 4 - 1), "staff-1"), "staff-1", hour),
            _ => (new IssueRecord(variant % 2 == 0 ? new string('b', 64) : "nope", "signed-record"), "system", hour),
        };
    }

    /// <summary>The right thing to do at the current step (with some randomly chosen answers).</summary>
    private static SessionCommand Sensible(SessionDriver session, int variant)
    {
        var state = session.State;
        if (state.Status == SessionStatus.AwaitingCountersign)
        {
            return new Countersign("staff-1", true);
        }
        if (state.OpenHolds.Any() && variant % 2 == 0)
        {
            return new RecordDiscussion("Talked it through.", "staff-2");
        }
        if (state.UnansweredQuestions.FirstOrDefault() is { } open)
        {
            return new AnswerQuestion(open.Id, "Here is the answer.", "staff-1");
        }
        return state.CurrentStep switch
        {
            IdentityStep => new VerifyIdentity(variant % 10 != 0),
            QuestionsStep step => new SubmitAnswers(step.Id, Answers(variant)),
            DisclosureStep step => new AcknowledgeDisclosure(step.Id, session.HashOf(step.Id), "MJN"),
            ComprehensionStep step => new SubmitQuiz(step.Id, Quiz(variant)),
            AskStep step => variant % 3 == 0 ? new AskQuestion(step.Id, "One more thing?") : new FinishAsking(step.Id),
            SignatureStep step => new SignAsPatient(step.Id, "Maria Jose Nunez", true, [[(0.1, 0.1), (0.2, 0.3)]], session.RegisteredName),
            _ => new IssueRecord(new string('c', 64), "signed-record"),
        };
    }

    private static string HashOrEmpty(SessionDriver session, string stepId) =>
        session.Workflow.Definition.FindStep(stepId) is { } step ? ContentHashes.For(step, session.State.Language) : "";

    private static Dictionary<string, JsonNode?> Answers(int variant)
    {
        var answers = new Dictionary<string, JsonNode?>
        {
            // Pregnancy (a referral) is rare so most runs go on.
            ["pregnant"] = variant % 13 == 0,
            ["substance_use"] = variant % 3 == 0,
            ["heard_from"] = (variant / 3 % 3) switch { 0 => "doctor", 1 => "other", _ => null },
        };
        switch (variant % 17)
        {
            case 1:
                answers.Remove("pregnant");
                break;
            case 2:
                answers["substance_use"] = "yes";
                break;
            case 3:
                answers["unknown_question"] = true;
                break;
            default:
                break;
        }
        return answers;
    }

    private static Dictionary<string, string?> Quiz(int variant) => new()
    {
        ["q_drive"] = variant % 4 == 0 ? "yes" : "no",
        ["q_feel"] = variant % 19 == 0 ? "perhaps" : "yes",
    };
}
