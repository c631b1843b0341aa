using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows.Loading;

/// <summary>Turns a schema-valid definition tree into a <see cref="WorkflowDefinition"/>, resolving texts and checking meaning.</summary>
internal sealed partial class DefinitionBuilder
{
    private readonly YamlTree tree;
    private readonly string file;
    private readonly TemplateFiles templates;
    private readonly List<WorkflowError> errors = [];
    private ImmutableArray<string> languages = [];

    private DefinitionBuilder(YamlTree tree, string file, TemplateFiles templates)
    {
        this.tree = tree;
        this.file = file;
        this.templates = templates;
    }

    public static WorkflowDefinition? Build(YamlTree tree, string file, TemplateFiles templates, string folderId, int fileVersion, out IReadOnlyList<WorkflowError> errors)
    {
        var builder = new DefinitionBuilder(tree, file, templates);
        var definition = builder.Build(folderId, fileVersion);
        errors = builder.errors;
        return builder.errors.Count == 0 ? definition : null;
    }

    private WorkflowDefinition Build(string folderId, int fileVersion)
    {
        var root = tree.Root.AsObject();
        var id = root["id"]!.GetValue<string>();
        var version = root["version"]!.GetValue<long>();
        if (id != folderId)
        {
            Error("/id", $"id '{id}' must equal the folder name '{folderId}'");
        }
        if (version != fileVersion)
        {
            Error("/version", $"version {version} must equal the file name (v{fileVersion}.yaml)");
        }
        var kind = root["kind"]?.GetValue<string>() == "checkin" ? WorkflowKind.Checkin : WorkflowKind.Consent;
        languages = [.. root["languages"]!.AsArray().Select(l => l!.GetValue<string>())];
        var title = Text("/title", root["title"]);
        var validFor = IsoDuration.Parse(root["invitationValidFor"]!.GetValue<string>());
        var withdrawal = root["withdrawal"] is { } w ? Text("/withdrawal", w) : null;
        var stepNodes = root["steps"]!.AsArray();
        var steps = new List<StepDefinition>();
        for (var i = 0; i < stepNodes.Count; i++)
        {
            steps.Add(Step($"/steps/{i}", stepNodes[i]!.AsObject()));
        }
        CheckStructure(steps, kind);
        var (validity, notice) = Validity(root);
        var (reconsent, changes) = Reconsent(root, version);
        return new WorkflowDefinition(id, (int)version, title, languages, validFor, withdrawal, [.. steps])
        {
            Kind = kind,
            Requires = root["requires"]?.GetValue<string>(),
            Validity = validity,
            Notice = notice,
            Reconsent = reconsent,
            Changes = changes,
        };
    }

    private StepDefinition Step(string pointer, JsonObject node)
    {
        var id = node["id"]!.GetValue<string>();
        Condition? when = null;
        if (node["when"] is { } whenNode)
        {
            when = Condition.Parse(whenNode.GetValue<string>(), out var error);
            if (error is not null)
            {
                Error(pointer + "/when", error);
            }
        }
        return node["type"]!.GetValue<string>() switch
        {
            "identity" => new IdentityStep(id, when, Int(node, "maxAttempts", 5)),
            "questions" => new QuestionsStep(id, when, OptionalText(pointer, node, "title"), Questions(pointer + "/questions", node)),
            "disclosure" => Disclosure(pointer, node, id, when, keyInformation: false),
            "key-information" => Disclosure(pointer, node, id, when, keyInformation: true),
            "comprehension" => new ComprehensionStep(id, when, OptionalText(pointer, node, "title"),
                Int(node, "passMark", 1), Int(node, "maxAttempts", 2), QuizQuestions(pointer + "/questions", node)),
            "discussion" => new DiscussionStep(id, when, Text(pointer + "/reason", node["reason"])),
            "ask" => new AskStep(id, when, OptionalText(pointer, node, "title"), Text(pointer + "/text", node["text"])),
            "signature" => new SignatureStep(id, when, Text(pointer + "/statement", node["statement"])),
            "countersign" => new CountersignStep(id, when, Text(pointer + "/statement", node["statement"])),
            "stop" => new StopStep(id, when, node["outcome"]!.GetValue<string>(), Text(pointer + "/message", node["message"])),
            "staff-check" => new StaffCheckStep(id, when, OptionalText(pointer, node, "title"), StaffCheckFields(pointer + "/fields", node)),
            "affirmation" => new AffirmationStep(id, when, Text(pointer + "/statement", node["statement"])),
            var other => throw new InvalidOperationException($"schema let through step type '{other}'"),
        };
    }

    private DisclosureStep Disclosure(string pointer, JsonObject node, string id, Condition? when, bool keyInformation)
    {
        var name = node["content"]!.GetValue<string>();
        var folder = keyInformation ? "templates/key-information" : "templates/disclosures";
        var content = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var titles = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var bodies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var language in languages)
        {
            var text = TemplateFiles.IsSafeName(name)
                ? templates.Read($"{folder}/{language}/{name}.md", out var error)
                : Fail($"'{name}' is not a template name (only a-z, 0-9, '-' and '/')", out error);
            if (error is not null)
            {
                Error(pointer + "/content", error);
                continue;
            }
            content[language] = text!;
            CheckLinks(pointer + "/content", $"{folder}/{language}/{name}.md", text!);
            var newline = text!.IndexOf('\n', StringComparison.Ordinal);
            var heading = newline < 0 ? text : text[..newline];
            if (!heading.StartsWith("# ", StringComparison.Ordinal) || heading[2..].Trim().Length == 0)
            {
                Error(pointer + "/content", $"{folder}/{language}/{name}.md must start with a '# Title' line");
                continue;
            }
            titles[language] = heading[2..].Trim();
            bodies[language] = newline < 0 ? "" : text[(newline + 1)..].TrimStart('\r', '\n');
        }
        var acknowledge = node["acknowledge"]?.GetValue<string>() == "initials" ? AcknowledgeMethod.Initials : AcknowledgeMethod.Checkbox;
        return new DisclosureStep(id, when, Localized(titles, null), name, Localized(content, $"{folder}/{name}"),
            Localized(bodies, null), acknowledge, keyInformation);
    }

    private ImmutableArray<Question> Questions(string pointer, JsonObject step)
    {
        var list = step["questions"]!.AsArray();
        var questions = new List<Question>();
        for (var i = 0; i < list.Count; i++)
        {
            var node = list[i]!.AsObject();
            var at = $"{pointer}/{i}";
            var kind = node["kind"]!.GetValue<string>() switch
            {
                "single-choice" => QuestionKind.SingleChoice,
                "short-text" => QuestionKind.ShortText,
                _ => QuestionKind.YesNo,
            };
            var required = node["required"]?.GetValue<bool>() ?? true;
            questions.Add(new Question(node["id"]!.GetValue<string>(), kind, Text(at + "/text", node["text"]), Options(at, node), required));
        }
        return [.. questions];
    }

    private ImmutableArray<QuizQuestion> QuizQuestions(string pointer, JsonObject step)
    {
        var list = step["questions"]!.AsArray();
        var questions = new List<QuizQuestion>();
        for (var i = 0; i < list.Count; i++)
        {
            var node = list[i]!.AsObject();
            var at = $"{pointer}/{i}";
            var options = Options(at, node);
            var answer = node["answer"]!.GetValue<string>();
            if (!options.Any(o => o.Value == answer))
            {
                Error(at + "/answer", $"answer '{answer}' is not one of the option values");
            }
            questions.Add(new QuizQuestion(node["id"]!.GetValue<string>(), Text(at + "/text", node["text"]), options, answer,
                node["review"]?.GetValue<string>()));
        }
        return [.. questions];
    }

    private ImmutableArray<StaffCheckField> StaffCheckFields(string pointer, JsonObject step)
    {
        var list = step["fields"]!.AsArray();
        var fields = new List<StaffCheckField>();
        for (var i = 0; i < list.Count; i++)
        {
            var node = list[i]!.AsObject();
            var at = $"{pointer}/{i}";
            var kind = node["kind"]!.GetValue<string>() == "number" ? StaffFieldKind.Number : StaffFieldKind.YesNo;
            var min = Number(node["min"]);
            var max = Number(node["max"]);
            if (min >= max)
            {
                Error(at + "/max", $"max {max} must be more than min {min}");
            }
            fields.Add(new StaffCheckField(node["id"]!.GetValue<string>(), kind, Text(at + "/label", node["label"]), node["unit"]?.GetValue<string>(), min, max));
        }
        return [.. fields];
    }

    private ImmutableArray<ChoiceOption> Options(string pointer, JsonObject question)
    {
        if (question["options"] is not JsonArray list)
        {
            return [];
        }
        var options = new List<ChoiceOption>();
        for (var i = 0; i < list.Count; i++)
        {
            var value = list[i]!["value"]!.GetValue<string>();
            if (options.Any(o => o.Value == value))
            {
                Error($"{pointer}/options/{i}/value", $"option value '{value}' is used twice");
            }
            options.Add(new ChoiceOption(value, Text($"{pointer}/options/{i}/label", list[i]!["label"])));
        }
        return [.. options];
    }

    private LocalizedText? OptionalText(string pointer, JsonObject node, string field) =>
        node[field] is { } text ? Text($"{pointer}/{field}", text) : null;

    private LocalizedText Text(string pointer, JsonNode? node)
    {
        var texts = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject inline)
        {
            foreach (var language in languages)
            {
                if (inline[language] is { } text)
                {
                    texts[language] = text.GetValue<string>();
                    CheckLinks(pointer, null, texts[language]);
                }
                else
                {
                    Error(pointer, $"the text has no '{language}' version");
                }
            }
            return Localized(texts, null);
        }
        var reference = node!.GetValue<string>();
        foreach (var language in languages)
        {
            var text = templates.ReadReference(reference, language, out var error);
            if (error is not null)
            {
                Error(pointer, error);
            }
            else
            {
                texts[language] = text!;
                CheckLinks(pointer, TemplateFiles.FileOf(reference, language), text!);
            }
        }
        return Localized(texts, reference);
    }

    private static LocalizedText Localized(SortedDictionary<string, string> texts, string? template) =>
        new(texts.ToImmutableSortedDictionary(StringComparer.Ordinal), template);

    private static int Int(JsonObject node, string field, int fallback) =>
        node[field] is { } value ? (int)value.GetValue<long>() : fallback;

    /// <summary>A YAML number (read as a whole number or a double) as a decimal, or null when absent.</summary>
    private static decimal? Number(JsonNode? node) =>
        node is not JsonValue value ? null
        : value.TryGetValue<long>(out var whole) ? whole
        : (decimal)value.GetValue<double>();

    private static string? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }

    private void Error(string pointer, string message) => Error(file, tree.LineOf(pointer), pointer, message);

    private void Error(string inFile, int line, string pointer, string message)
    {
        string? stepId = null;
        if (pointer.StartsWith("/steps/", StringComparison.Ordinal))
        {
            var rest = pointer["/steps/".Length..];
            var end = rest.IndexOf('/', StringComparison.Ordinal);
            if (int.TryParse(end < 0 ? rest : rest[..end], out var index)
                && tree.Root["steps"] is JsonArray steps && index < steps.Count
                && steps[index] is JsonObject step && step["id"] is JsonValue id && id.TryGetValue<string>(out var text))
            {
                stepId = text;
            }
        }
        errors.Add(new WorkflowError(inFile, line, stepId, message));
    }
}
