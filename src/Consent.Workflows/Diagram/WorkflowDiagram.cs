using System.Globalization;
using System.Text;

namespace Consent.Workflows;

/// <summary>Draws a workflow as a Mermaid flowchart for ethics reviewers: conditions, skips, stops and holds.</summary>
public static class WorkflowDiagram
{
    private const int MaxLabelText = 60;

    /// <summary>
    /// A <c>flowchart TD</c>: each step is a node (in the workflow's first language); a step with
    /// <c>when</c> sits behind a decision whose "no" edge (dotted) skips it; stop steps end in their
    /// outcome; discussion steps and failed quizzes open holds (hexagons) that signing waits for.
    /// </summary>
    public static string ToMermaid(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var language = workflow.Languages.FirstOrDefault() ?? "en";
        var output = new StringBuilder("flowchart TD\n");
        Line(output, $"start([\"{Label("Session created", workflow.Title.For(language))}\"])");
        var pending = new List<(string From, string? Label, bool Dotted)> { ("start", null, false) };
        for (var i = 0; i < workflow.Steps.Length; i++)
        {
            var step = workflow.Steps[i];
            var node = $"s{i}";
            var entry = step.When is null ? node : $"c{i}";
            foreach (var (from, label, dotted) in pending)
            {
                Line(output, Edge(from, entry, label, dotted));
            }
            pending.Clear();
            if (step.When is { } when)
            {
                Line(output, $"c{i}{{\"{Label("when " + when.Text)}\"}}");
                Line(output, Edge(entry, node, "yes", false));
                pending.Add((entry, "no: skip", true));
            }
            Line(output, Node(step, node, language));
            switch (step)
            {
                case StopStep stop:
                    Line(output, $"{node} --> end{i}(((\"{Label(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(stop.Outcome))}\")))");
                    break;
                case ComprehensionStep quiz:
                    Line(output, $"h{i}{{{{\"{Label("hold", "clinician discussion")}\"}}}}");
                    Line(output, Edge(node, $"h{i}", $"fails {quiz.MaxAttempts} times", true));
                    pending.Add((node, "passed", false));
                    pending.Add(($"h{i}", null, false));
                    break;
                default:
                    pending.Add((node, null, false));
                    break;
            }
        }
        foreach (var (from, label, dotted) in pending)
        {
            Line(output, Edge(from, "done", label, dotted));
        }
        Line(output, workflow.IsCheckin ? "done([\"Cleared, or Held by a discussion step\"])" : "done([\"Completed\"])");
        return output.ToString();
    }

    private static string Node(StepDefinition step, string node, string language) => step switch
    {
        StopStep stop => $"{node}[/\"{Label(step.Id, "stop: " + stop.Outcome, stop.Message.For(language))}\"/]",
        DiscussionStep discussion => $"{node}{{{{\"{Label(step.Id, "hold: clinician discussion", discussion.Reason.For(language))}\"}}}}",
        SignatureStep => $"{node}[\"{Label(step.Id, "signature", "waits for open holds and questions")}\"]",
        CountersignStep => $"{node}[\"{Label(step.Id, "countersign (clinician)")}\"]",
        ComprehensionStep quiz => $"{node}[\"{Label(step.Id, $"comprehension: pass {quiz.PassMark} of {quiz.Questions.Length}", step.Title?.For(language))}\"]",
        _ => $"{node}[\"{Label(step.Id, StepTypeNames.Of(step.Type), step.Title?.For(language))}\"]",
    };

    private static string Edge(string from, string to, string? label, bool dotted) =>
        (label, dotted) switch
        {
            (null, false) => $"{from} --> {to}",
            (null, true) => $"{from} -.-> {to}",
            (_, false) => $"{from} -->|\"{Label(label)}\"| {to}",
            (_, true) => $"{from} -.->|\"{Label(label)}\"| {to}",
        };

    private static void Line(StringBuilder output, string line) => output.Append("    ").Append(line).Append('\n');

    /// <summary>Escapes each part for a quoted Mermaid label and joins them with line breaks.</summary>
    private static string Label(params string?[] parts) =>
        string.Join("<br/>", parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => Escape(Shorten(p!))));

    private static string Shorten(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= MaxLabelText ? flat : flat[..(MaxLabelText - 1)] + "…";
    }

    // Everything that could end the label or be read as markup becomes a Mermaid entity code (#34;).
    private static string Escape(string text)
    {
        var output = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or ',' or ':' or '!' or '?' or '\'' or '/' or '=' or '¿' or '¡' or '…' or '(' or ')')
            {
                output.Append(c);
            }
            else
            {
                output.Append(CultureInfo.InvariantCulture, $"#{(int)c};");
            }
        }
        return output.ToString();
    }
}
