using System.Text.Json.Nodes;
using Consent.Workflows;

namespace Consent.Benchmarks;

/// <summary>
/// One English session of <c>ketamine-iv-depression</c> walked through the real interpreter by a
/// patient who reports past substance use (so every one of the 19 disclosures is shown), passes the
/// quiz on the second try, asks one question, signs, and is countersigned.
/// </summary>
public sealed class TypicalSession
{
    public const string WorkflowId = "ketamine-iv-depression";
    public const string Language = "en";
    const string Clinician = "clinician:7d1c0b9e-4f1a-4c55-9a51-0d6a3b2f8e11";

    TypicalSession(LoadedWorkflow workflow, IReadOnlyList<RecordedEvent> events, SessionState final)
    {
        Workflow = workflow;
        Events = events;
        Final = final;
    }

    public static DateTimeOffset Start { get; } = new(2026, 11, 27, 19, 3, 0, TimeSpan.Zero);

    public LoadedWorkflow Workflow { get; }

    /// <summary>Every event of the session, in order.</summary>
    public IReadOnlyList<RecordedEvent> Events { get; }

    public SessionState Final { get; }

    public IEnumerable<DisclosureStep> Disclosures => Workflow.Definition.Steps.OfType<DisclosureStep>();

    public static LoadedWorkflow LoadWorkflow()
    {
        var load = WorkflowCatalog.Load(RepositoryRoot.Path);
        return load.Catalog?.Latest(WorkflowId)
            ?? throw new InvalidOperationException("Workflows did not load: " + string.Join("; ", load.Errors.Select(e => e.Message)));
    }

    public static TypicalSession Walk()
    {
        var workflow = LoadWorkflow();
        var events = new List<RecordedEvent>();
        var state = SessionState.Empty;
        var now = Start;

        void Do(SessionCommand command, string actor)
        {
            now = now.AddSeconds(47);
            var decision = ConsentInterpreter.Decide(workflow, state, command, now);
            if (decision is not Decision.Accepted accepted)
            {
                throw new InvalidOperationException($"{command.GetType().Name} refused: {((Decision.Refused)decision).Reason}");
            }

            foreach (var e in accepted.Events)
            {
                var recorded = new RecordedEvent(events.Count + 1, e.Type, e.StepId, e.Payload, e.ContentHash, actor, now);
                events.Add(recorded);
                state = ConsentInterpreter.Apply(workflow, state, recorded);
            }
        }

        Do(new CreateSession(Language, Start.AddDays(7), new string('a', 64), Clinician), Clinician);
        Do(new VerifyIdentity(true), "patient");
        var discussed = false;
        for (var guard = 0; state.CurrentStep is { } step && guard < 100; guard++)
        {
            switch (step)
            {
                case QuestionsStep questions:
                    Do(new SubmitAnswers(step.Id, questions.Questions.ToDictionary(
                        q => q.Id, q => (JsonNode?)JsonValue.Create(q.Id == "substance_use"))), "patient");
                    break;
                case DisclosureStep disclosure:
                    Do(new AcknowledgeDisclosure(step.Id, ContentHashes.For(step, Language),
                        disclosure.Acknowledge == AcknowledgeMethod.Initials ? "MJO" : null), "patient");
                    break;
                case ComprehensionStep quiz:
                    var attempt = state.QuizAttempts.TryGetValue(step.Id, out var tries) ? tries.Count : 0;
                    Do(new SubmitQuiz(step.Id, quiz.Questions.ToDictionary(
                        q => q.Id, q => (string?)(attempt == 0 && q.Id == "q_drive" ? "yes" : q.Answer))), "patient");
                    break;
                case AskStep:
                    if (state.Questions.IsEmpty)
                    {
                        Do(new AskQuestion(step.Id, "Can I take my blood pressure pill on the morning of treatment?"), "patient");
                        Do(new AnswerQuestion("q1", "Yes, take it as usual; we check your blood pressure before we start.", Clinician), Clinician);
                    }

                    Do(new FinishAsking(step.Id), "patient");
                    break;
                case SignatureStep:
                    if (!discussed)
                    {
                        Do(new RecordDiscussion("Discussed past alcohol use (none in 3 years) and that doses are given only in the clinic.", Clinician), Clinician);
                        discussed = true;
                    }

                    Do(new SignAsPatient(step.Id, "Margaret J. O'Brien-Whitfield", true, Signature(), "Margaret J. O'Brien-Whitfield"), "patient");
                    break;
                default:
                    throw new InvalidOperationException($"The typical session does not expect a {step.Type} step ({step.Id}).");
            }
        }

        Do(new Countersign(Clinician, true), Clinician);
        if (state.Status != SessionStatus.Completed)
        {
            throw new InvalidOperationException($"The typical session ended {state.Status}, not Completed.");
        }

        return new TypicalSession(workflow, events, state);
    }

    /// <summary>A cursive-looking drawn signature: two strokes in canvas pixels (y down).</summary>
    public static IReadOnlyList<IReadOnlyList<(double X, double Y)>> Signature()
    {
        var first = Enumerable.Range(0, 121)
            .Select(i => (Math.Round(i * 3.0, 1), Math.Round(60 + (28 * Math.Sin(i / 6.0) * Math.Exp(-i / 140.0)) - (i * 0.15), 1))).ToList();
        var second = Enumerable.Range(0, 41)
            .Select(i => (Math.Round(120 + (i * 4.5), 1), Math.Round(95 - (i * 0.4) + (3 * Math.Sin(i / 3.0)), 1))).ToList();
        return [first, second];
    }
}
