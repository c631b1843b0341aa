using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Consent.Workflows;

namespace Consent.Benchmarks;

/// <summary>
/// The interpreter deciding one step as the service does per submission: the patient acknowledges
/// the 10th disclosure of a typical session, so 14 stored events are replayed first.
/// </summary>
[Config(typeof(ShortRunConfig))]
[BenchmarkCategory("interpreter")]
public class InterpreterBenchmarks
{
    LoadedWorkflow _workflow = null!;
    RecordedEvent[] _events = [];
    (long Seq, string Type, string? StepId, string Payload, string? ContentHash, string Actor, DateTimeOffset At)[] _rows = [];
    SessionState _state = null!;
    AcknowledgeDisclosure _command = null!;
    DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        var session = TypicalSession.Walk();
        _workflow = session.Workflow;
        var tenth = session.Events.Where(e => e.Type == EventTypes.DisclosureAcknowledged).ElementAt(9);
        _events = [.. session.Events.TakeWhile(e => e.Seq < tenth.Seq)];
        _rows = [.. _events.Select(e => (e.Seq, e.Type, e.StepId, e.Payload.ToJsonString(), e.ContentHash, e.Actor, e.At))];
        _state = ConsentInterpreter.Replay(_workflow, _events);
        var step = _workflow.Definition.FindStep(tenth.StepId!)!;
        _command = new AcknowledgeDisclosure(step.Id, ContentHashes.For(step, TypicalSession.Language),
            ((DisclosureStep)step).Acknowledge == AcknowledgeMethod.Initials ? "MJO" : null);
        _now = tenth.At;
        if (ReplayAndDecide() is not Decision.Accepted)
        {
            throw new InvalidOperationException("The benchmark command is refused.");
        }

        Console.WriteLine($"// replaying {_events.Length} events, then deciding {step.Id}");
    }

    /// <summary>Deciding on a state already in memory (no replay).</summary>
    [Benchmark(Baseline = true)]
    public Decision DecideOnly() => ConsentInterpreter.Decide(_workflow, _state, _command, _now);

    [Benchmark]
    public Decision ReplayAndDecide() =>
        ConsentInterpreter.Decide(_workflow, ConsentInterpreter.Replay(_workflow, _events), _command, _now);

    /// <summary>What SessionWriter does per request: parse each stored payload (jsonb text), replay, decide.</summary>
    [Benchmark]
    public Decision ParseReplayAndDecide()
    {
        var events = new RecordedEvent[_rows.Length];
        for (var i = 0; i < _rows.Length; i++)
        {
            var r = _rows[i];
            events[i] = new RecordedEvent(r.Seq, r.Type, r.StepId, JsonNode.Parse(r.Payload)?.AsObject() ?? [], r.ContentHash, r.Actor, r.At);
        }

        return ConsentInterpreter.Decide(_workflow, ConsentInterpreter.Replay(_workflow, events), _command, _now);
    }
}
