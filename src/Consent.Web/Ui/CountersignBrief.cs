using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Ui;

/// <summary>
/// What the clinician attests to, read from the session's events and shown above the attestation in
/// the staff language: the screening's red flags, the quiz items missed and on which attempt, the
/// patient's questions and the answers, the discussions, the name check of the signature, and the
/// time the patient spent on each disclosure.
/// </summary>
public sealed record CountersignBrief(
    IReadOnlyList<BriefAnswer> RedFlags,
    IReadOnlyList<BriefAnswer> OtherAnswers,
    int NoAnswers,
    IReadOnlyList<BriefQuizAttempt> Quiz,
    IReadOnlyList<PatientQuestion> Questions,
    IReadOnlyList<BriefDiscussion> Discussions,
    BriefSignature? Signature,
    IReadOnlyList<BriefReading> Readings)
{
    private static readonly string L = StaffNotes.Language;

    public static CountersignBrief From(LoadedWorkflow workflow, ConsentSession session, SessionState state, IReadOnlyList<ConsentEvent> events, StaffNotes notes)
    {
        var questions = workflow.Definition.Steps.OfType<QuestionsStep>().SelectMany(s => s.Questions).ToList();
        var flags = new List<BriefAnswer>();
        var others = new List<BriefAnswer>();
        var no = 0;
        foreach (var q in questions)
        {
            if (!state.Answers.TryGetValue(q.Id, out var answer))
            {
                continue;
            }

            var text = Plain(q.Text);
            if (q.Kind == QuestionKind.YesNo)
            {
                if (answer is JsonValue v && v.TryGetValue<bool>(out var yes) && yes)
                {
                    flags.Add(new BriefAnswer(text, "Yes"));
                }
                else
                {
                    no++;
                }
            }
            else
            {
                var value = answer.ToString();
                others.Add(new BriefAnswer(text, q.Options.FirstOrDefault(o => o.Value == value)?.Label.For(L) ?? value));
            }
        }

        var quiz = new List<BriefQuizAttempt>();
        foreach (var step in workflow.Definition.Steps.OfType<ComprehensionStep>())
        {
            foreach (var attempt in state.QuizAttempts.GetValueOrDefault(step.Id) ?? [])
            {
                var missed = step.Questions.Where(q => attempt.Answers.GetValueOrDefault(q.Id) != q.Answer)
                    .Select(q => new BriefMiss(Plain(q.Text), Label(q, attempt.Answers.GetValueOrDefault(q.Id)), Label(q, q.Answer)))
                    .ToList();
                quiz.Add(new BriefQuizAttempt(step.Title is null ? "Teach-back quiz" : Plain(step.Title), attempt.Number, attempt.Correct,
                    step.Questions.Length, attempt.Passed, missed));
            }
        }

        var discussions = state.Holds.Select(h => new BriefDiscussion(notes.For(h).Title, h.Note, h.ResolvedAt)).ToList();

        BriefSignature? signature = null;
        // The signature that gave consent: the patient's, or their representative's (compared with the name given for them).
        if (state.ConsentSignature is { } signed)
        {
            signature = new BriefSignature(signed.FullName, state.Signers.NameOf(signed.Signer) ?? session.PatientName, signed.NameMatches, signed.Strokes);
        }

        return new CountersignBrief(flags, others, no, quiz, state.Questions, discussions, signature, ReadingsOf(workflow, events));
    }

    /// <summary>Each acknowledged disclosure and the time since the patient's previous action: how long the page was in front of them.</summary>
    private static List<BriefReading> ReadingsOf(LoadedWorkflow workflow, IReadOnlyList<ConsentEvent> events)
    {
        var readings = new List<BriefReading>();
        DateTimeOffset? previous = null;
        foreach (var e in events.OrderBy(e => e.Seq))
        {
            if (e.Type == EventTypes.DisclosureAcknowledged && workflow.Definition.FindStep(e.StepId) is DisclosureStep step && previous is { } shownAt)
            {
                readings.Add(new BriefReading(step.Title?.For(L) ?? step.Id, e.At - shownAt));
            }

            if (e.Actor == "patient")
            {
                previous = e.At;
            }
        }

        return readings;
    }

    private static string Label(QuizQuestion q, string? value) =>
        value is null ? "no answer" : q.Options.FirstOrDefault(o => o.Value == value)?.Label.For(L) ?? value;

    private static string Plain(LocalizedText text) => MarkdownHtml.Plain(text.For(L));

    /// <summary>"42 s" or "3 min 05 s".</summary>
    public static string Duration(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds:00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalSeconds)} s");
}

/// <summary>A screening question and the patient's answer, in staff words.</summary>
public sealed record BriefAnswer(string Question, string Answer);

/// <summary>One quiz attempt and the questions missed in it.</summary>
public sealed record BriefQuizAttempt(string Quiz, int Number, int Correct, int Total, bool Passed, IReadOnlyList<BriefMiss> Missed);

/// <summary>A quiz question answered wrongly: what the patient chose and the right answer.</summary>
public sealed record BriefMiss(string Question, string Chosen, string Right);

/// <summary>A hold and how it was resolved.</summary>
public sealed record BriefDiscussion(string Title, string? Note, DateTimeOffset? At);

/// <summary>The typed name against the registered one, and the drawn strokes.</summary>
public sealed record BriefSignature(string Typed, string Registered, bool Matches,
    System.Collections.Immutable.ImmutableArray<System.Collections.Immutable.ImmutableArray<(double X, double Y)>> Strokes)
{
    /// <summary>The strokes as one SVG path fitted to its box; null for a typed-only signature.</summary>
    public (string ViewBox, string Path)? Drawing()
    {
        var points = Strokes.SelectMany(s => s).ToList();
        if (points.Count == 0)
        {
            return null;
        }

        var (minX, minY) = (points.Min(p => p.X), points.Min(p => p.Y));
        var (width, height) = (Math.Max(1, points.Max(p => p.X) - minX), Math.Max(1, points.Max(p => p.Y) - minY));
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var path = string.Join(" ", Strokes.Where(s => s.Length > 0)
            .Select(s => "M" + string.Join(" L", s.Select(p => F(p.X - minX) + " " + F(p.Y - minY)))));
        return ($"-4 -4 {F(width + 8)} {F(height + 8)}", path);
    }
}

/// <summary>A disclosure and the time from the patient's previous action to its acknowledgment.</summary>
public sealed record BriefReading(string Title, TimeSpan Time);
