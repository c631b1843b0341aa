using System.Text.Json.Nodes;

namespace Consent.Workflows.Tests;

/// <summary>Drives a session through the interpreter the way the host does: decide, store, replay.</summary>
internal sealed class SessionDriver
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public SessionDriver(LoadedWorkflow? workflow = null, string language = "en")
    {
        Workflow = workflow ?? Repository.TestConsent;
        Now = Start;
        State = ConsentInterpreter.Replay(Workflow, []);
        Accept(new CreateSession(language, Start.AddDays(7), "patient-digest", "staff-1"));
    }

    public LoadedWorkflow Workflow { get; }

    public DateTimeOffset Now { get; set; }

    public List<RecordedEvent> Events { get; } = [];

    public SessionState State { get; private set; }

    public string RegisteredName { get; set; } = "María José Núñez";

    public Decision Send(SessionCommand command, string actor = "patient")
    {
        var decision = ConsentInterpreter.Decide(Workflow, State, command, Now);
        if (decision is Decision.Accepted accepted)
        {
            foreach (var e in accepted.Events)
            {
                var recorded = new RecordedEvent(Events.Count + 1, e.Type, e.StepId, e.Payload, e.ContentHash, actor, Now);
                Events.Add(recorded);
                State = ConsentInterpreter.Apply(Workflow, State, recorded);
            }
        }
        Now = Now.AddMinutes(1);
        return decision;
    }

    public IReadOnlyList<NewEvent> Accept(SessionCommand command, string actor = "patient")
    {
        var decision = Send(command, actor);
        var accepted = Assert.IsType<Decision.Accepted>(decision);
        return accepted.Events;
    }

    public Decision.Refused Refuse(SessionCommand command)
    {
        var count = Events.Count;
        var refused = Assert.IsType<Decision.Refused>(Send(command));
        Assert.Equal(count, Events.Count);
        return refused;
    }

    public string HashOf(string stepId) => ContentHashes.For(Workflow.Definition.FindStep(stepId)!, State.Language);

    // Steps of the fixture workflow, the happy way.
    public void Verify() => Accept(new VerifyIdentity(true));

    public void Screen(bool pregnant = false, bool substanceUse = false, string? heardFrom = null) =>
        Accept(new SubmitAnswers("screening", new Dictionary<string, JsonNode?>
        {
            ["pregnant"] = pregnant,
            ["substance_use"] = substanceUse,
            ["heard_from"] = heardFrom,
        }));

    public void Acknowledge(string stepId, string? initials = null) =>
        Accept(new AcknowledgeDisclosure(stepId, HashOf(stepId), initials));

    public IReadOnlyList<NewEvent> Quiz(bool right) =>
        Accept(new SubmitQuiz("understanding", new Dictionary<string, string?>
        {
            ["q_drive"] = right ? "no" : "yes",
            ["q_feel"] = "yes",
        }));

    public void Sign() => Accept(new SignAsPatient("sign", " maria  jose NUÑEZ ", true, [[(0.1, 0.2), (0.3, 0.4)]], RegisteredName));

    /// <summary>Identity, screening, the two disclosures, quiz passed, no questions: ready to sign.</summary>
    public SessionDriver ToSignature(bool substanceUse = false)
    {
        Verify();
        Screen(substanceUse: substanceUse);
        Acknowledge("dissociation");
        Acknowledge("driving", "MJN");
        if (substanceUse)
        {
            Acknowledge("misuse-history", "MJN");
        }
        Quiz(right: true);
        Accept(new FinishAsking("questions"));
        return this;
    }
}
