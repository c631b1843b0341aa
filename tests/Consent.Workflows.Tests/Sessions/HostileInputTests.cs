using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>Whatever a client sends, the interpreter answers with a decision, never an exception.</summary>
public sealed class HostileInputTests
{
    public static TheoryData<SessionCommand> Commands() =>
    [
        new SubmitAnswers(null!, null!),
        new SubmitAnswers("screening", null!),
        new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = new JsonObject(), ["substance_use"] = new JsonArray() }),
        new SubmitAnswers("screening", new Dictionary<string, JsonNode?> { ["pregnant"] = 1, ["substance_use"] = "true" }),
        new AcknowledgeDisclosure(null!, null!, null),
        new SubmitQuiz("understanding", null!),
        new SubmitQuiz("understanding", new Dictionary<string, string?> { ["q_drive"] = null, ["q_feel"] = null }),
        new AskQuestion(null, null!),
        new AskQuestion("screening", new string('?', 100_000)),
        new FinishAsking(null!),
        new SignAsPatient("sign", null!, true, null!, null!),
        new SignAsPatient("sign", "x", true, [null!], "x"),
        new Decline(new string('x', 5000)),
        new AnswerQuestion(null!, null!, null!),
        new RecordDiscussion(null!, null!),
        new Countersign(null!, true),
        new VoidSession(null!, null!),
        new Withdraw(null!, null!),
        new ReissueLink(DateTimeOffset.MinValue, null!),
        new IssueRecord(null!, null!),
        new CreateSession(null!, DateTimeOffset.MaxValue, null!, null!),
        null!,
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public void Decide_NeverThrows_AndRefusesNonsense(SessionCommand command)
    {
        var session = new SessionDriver();
        session.Verify();
        session.Screen();

        var decision = ConsentInterpreter.Decide(session.Workflow, session.State, command, session.Now);

        Assert.IsType<Decision.Refused>(decision);
    }
}
