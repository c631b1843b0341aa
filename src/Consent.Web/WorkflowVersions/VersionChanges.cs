using Consent.Workflows;

namespace Consent.Web.WorkflowVersions;

/// <summary>Whether a line of a step's text is in both versions, only in the new one, or only in the old one.</summary>
public enum LineChange
{
    Same,
    Added,
    Removed,
}

/// <summary>One line of a compared text.</summary>
public sealed record DiffLine(LineChange Change, string Text);

/// <summary>
/// How one step differs from the previous version: <c>added</c>, <c>removed</c> or <c>changed</c>;
/// <paramref name="Texts"/> holds, per language, the text line by line with what was added and
/// removed (only the languages whose text changed); <paramref name="Condition"/> says how the step's
/// type or condition changed, when it did.
/// </summary>
public sealed record StepChange(string StepId, string Kind, IReadOnlyDictionary<string, IReadOnlyList<DiffLine>> Texts, string? Condition);

/// <summary>
/// What changed between two versions of a workflow, step by step (matched by step id), in the texts a
/// patient reads (<see cref="WorkflowTexts"/>), so an ethics reviewer approves a new version knowing
/// exactly what is new, not only what it says.
/// </summary>
public static class VersionChanges
{
    /// <summary>The steps that were added, removed or changed, in the new version's order (removed ones last).</summary>
    public static IReadOnlyList<StepChange> Between(WorkflowDefinition before, WorkflowDefinition after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var languages = after.Languages.Union(before.Languages).ToList();
        var changes = new List<StepChange>();
        foreach (var step in after.Steps)
        {
            var old = before.FindStep(step.Id);
            var texts = new Dictionary<string, IReadOnlyList<DiffLine>>(StringComparer.Ordinal);
            foreach (var lang in languages)
            {
                var was = old is null || !before.Languages.Contains(lang) ? "" : WorkflowTexts.Render(old, lang);
                var now = after.Languages.Contains(lang) ? WorkflowTexts.Render(step, lang) : "";
                if (old is null || was != now)
                {
                    texts[lang] = Lines(was, now);
                }
            }

            var condition = old is null ? null : Describe(old) == Describe(step) ? null : $"{Describe(old)} → {Describe(step)}";
            if (old is null)
            {
                changes.Add(new StepChange(step.Id, "added", texts, Describe(step)));
            }
            else if (texts.Count > 0 || condition is not null)
            {
                changes.Add(new StepChange(step.Id, "changed", texts, condition));
            }
        }

        foreach (var gone in before.Steps.Where(s => after.FindStep(s.Id) is null))
        {
            changes.Add(new StepChange(gone.Id, "removed",
                before.Languages.ToDictionary(lang => lang, lang => Lines(WorkflowTexts.Render(gone, lang), "")), Describe(gone)));
        }

        return changes;
    }

    /// <summary>A line diff of two texts (longest common subsequence of lines), in reading order.</summary>
    public static IReadOnlyList<DiffLine> Lines(string before, string after)
    {
        var a = Split(before);
        var b = Split(after);
        var common = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                common[i, j] = a[i] == b[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var lines = new List<DiffLine>();
        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                lines.Add(new DiffLine(LineChange.Same, a[x]));
                x++;
                y++;
            }
            else if (common[x + 1, y] >= common[x, y + 1])
            {
                lines.Add(new DiffLine(LineChange.Removed, a[x++]));
            }
            else
            {
                lines.Add(new DiffLine(LineChange.Added, b[y++]));
            }
        }

        lines.AddRange(a[x..].Select(l => new DiffLine(LineChange.Removed, l)));
        lines.AddRange(b[y..].Select(l => new DiffLine(LineChange.Added, l)));
        return lines;
    }

    private static string[] Split(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n').Select(l => l.TrimEnd()).ToArray();

    private static string Describe(StepDefinition step) =>
        StepTypeNames.Of(step.Type) + (step.When is null ? "" : $", when {step.When.Text}");
}
