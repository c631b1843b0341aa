using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Consent.Workflows.Tests.Sessions;

/// <summary>Properties that hold for any sequence of commands against the fixture workflow.</summary>
public sealed class ConsentInterpreterPropertyTests
{
    private static readonly Gen<(int Kind, int Variant)[]> Actions = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 9999]).Array[1, 80];

    [Fact]
    public void RandomSessions_KeepEveryInvariant()
    {
        var completed = 0;
        Actions.Sample(actions =>
        {
            var session = Run(actions, out var _);
            if (session.State.Status is SessionStatus.Completed or SessionStatus.Withdrawn)
            {
                Interlocked.Increment(ref completed);
            }
        }, iter: 400);

        // The properties must not hold vacuously: plenty of generated sessions reach the end.
        Assert.True(completed > 20, $"only {completed} of 400 random sessions completed");
    }

    [Fact]
    public void ReplayingAcceptedEvents_RebuildsTheSameState()
    {
        Actions.Sample(actions =>
        {
            var session = Run(actions, out _);
            var stored = session.Events.Select(RoundTrip).ToList();

            var replayed = ConsentInterpreter.Replay(session.Workflow, stored);

            Assert.Equal(Fingerprint(session.State), Fingerprint(replayed));
        }, iter: 200);
    }

    /// <summary>
    /// The host compares a session row's status with <see cref="SessionLifecycle.StatusOf"/>, which reads
    /// only the event types (no workflow): it must give what the interpreter gives for every accepted chain.
    /// </summary>
    [Fact]
    public void TheStatusFromEventTypesAlone_IsTheInterpretersStatus()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<SessionStatus, bool>();
        Actions.Sample(actions =>
        {
            var session = Run(actions, out _);
            Assert.Equal(session.State.Status, SessionLifecycle.StatusOf(session.Events.Select(e => e.Type)));
            seen[session.State.Status] = true;
        }, iter: 400);

        // Not vacuous: the random sessions end in most statuses, each compared.
        Assert.True(seen.Count >= 6, $"only {string.Join(", ", seen.Keys)} reached");
    }

    private static SessionDriver Run((int Kind, int Variant)[] actions, out int refused)
    {
        var session = new SessionDriver();
        refused = 0;
        foreach (var (kind, variant) in actions)
        {
            var (command, actor, wait) = RandomPatient.Command(session, kind, variant);
            var before = Fingerprint(session.State);
            var eventsBefore = session.Events.Count;

            var decision = session.Send(command, actor);
            session.Now += wait;

            if (decision is Decision.Refused)
            {
                refused++;
                Assert.Equal(eventsBefore, session.Events.Count);
                Assert.Equal(before, Fingerprint(session.State));
            }
            else
            {
                Assert.True(session.Events.Count > eventsBefore, $"{command} was accepted without events");
            }
            CheckInvariants(session);
        }
        return session;
    }

    private static void CheckInvariants(SessionDriver session)
    {
        var state = session.State;
        var definition = session.Workflow.Definition;
        var variables = Variables(definition, state);
        var applicable = definition.Steps.Where(s => s.When is null || s.When.Evaluate(variables)).ToList();

        // Steps are done in workflow order, and none that applies is passed over.
        var order = state.CompletedSteps.Select(definition.IndexOf).ToList();
        Assert.Equal(order.Order(), order);
        if (state.CurrentStep is { } current)
        {
            var before = applicable.TakeWhile(s => s.Id != current.Id);
            Assert.All(before, s => Assert.True(state.IsCompleted(s.Id), $"{s.Id} was skipped on the way to {current.Id}"));
        }

        if (state.Status is SessionStatus.AwaitingCountersign or SessionStatus.Completed or SessionStatus.Withdrawn && state.PatientSignature is not null)
        {
            Assert.All(applicable.Where(s => s.IsPatientStep), s => Assert.True(state.IsCompleted(s.Id), $"signed without {s.Id}"));
            Assert.Empty(state.OpenHolds);
            Assert.Empty(state.UnansweredQuestions);
        }

        if (state.Status is SessionStatus.Completed or SessionStatus.Withdrawn)
        {
            foreach (var disclosure in applicable.OfType<DisclosureStep>())
            {
                Assert.Equal(ContentHashes.For(disclosure, state.Language), state.Acknowledgments[disclosure.Id].ContentHash);
            }
            foreach (var quiz in applicable.OfType<ComprehensionStep>())
            {
                var passed = state.QuizAttempts[quiz.Id].Any(a => a.Passed);
                var discussed = state.Holds.Any(h => h.Id == $"comprehension:{quiz.Id}" && !h.IsOpen);
                Assert.True(passed || discussed, "completed without passing or discussing the quiz");
            }
            Assert.All(state.Questions, q => Assert.NotNull(q.Answer));
            Assert.NotNull(state.PatientSignature);
            Assert.NotNull(state.Countersignature);
        }
    }

    private static Dictionary<string, object> Variables(WorkflowDefinition definition, SessionState state) =>
        definition.ScreeningQuestions.ToDictionary(q => q.Id, q => state.Answers.TryGetValue(q.Id, out var a)
            ? a.GetValueKind() == JsonValueKind.String ? a.GetValue<string>() : (object)a.GetValue<bool>()
            : q.Kind == QuestionKind.YesNo ? false : "");

    /// <summary>Stores and reloads an event the way a database would: payload through JSON text.</summary>
    private static RecordedEvent RoundTrip(RecordedEvent e) =>
        e with { Payload = JsonNode.Parse(e.Payload.ToJsonString())!.AsObject() };

    private static readonly JsonSerializerOptions FingerprintOptions = new() { IncludeFields = true };

    /// <summary>A canonical serialization of everything in the state.</summary>
    internal static string Fingerprint(SessionState state) =>
        JsonSerializer.Serialize(state with { CurrentStep = null, Answers = state.Answers.Clear() }, FingerprintOptions)
        + "|" + state.CurrentStep?.Id
        + "|" + string.Join(",", state.Answers.Select(a => a.Key + "=" + a.Value.ToJsonString()));
}
