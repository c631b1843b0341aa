using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Consent.Workflows.Loading;

/// <summary>Checks a definition against <c>workflows/schema.json</c> (embedded in this assembly).</summary>
internal static class SchemaCheck
{
    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    /// <summary>Schema violations as (JSON pointer, message), in document order, without duplicates.</summary>
    public static IReadOnlyList<(string Pointer, string Message)> Check(JsonNode definition)
    {
        var instance = JsonSerializer.SerializeToElement(definition);
        var results = Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid)
        {
            return [];
        }
        var problems = new List<(string, string)>();
        Collect(results, problems);
        if (problems.Count == 0)
        {
            problems.Add(("", "the definition does not match workflows/schema.json"));
        }
        return problems.Distinct().ToList();
    }

    // Only failing nodes under failing parents are errors: a failed "if" or a failed branch of a
    // passing "anyOf" just chose a way through the schema.
    private static void Collect(EvaluationResults node, List<(string, string)> problems)
    {
        if (node.IsValid)
        {
            return;
        }
        var pointer = node.InstanceLocation.ToString();
        var path = node.EvaluationPath.ToString();
        if (path.EndsWith("/anyOf", StringComparison.Ordinal))
        {
            problems.Add((pointer, $"'{NameOf(pointer)}' must be a template reference (templates/<folder>/<name>, only a-z, 0-9, '-' and '/') or a text per language ({{ en: ..., es: ... }})"));
            return;
        }
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            problems.Add(TopLevelRule(pointer, path, keyword) ?? (pointer, Describe(pointer, path, keyword, message)));
        }
        foreach (var child in node.Details ?? [])
        {
            Collect(child, problems);
        }
    }

    /// <summary>
    /// The schema's rules between top-level fields, told in words and placed on the field that
    /// brings the rule in (the definition's <c>notice</c>, <c>reconsent</c>, <c>kind</c> or <c>requires</c> line), not on the whole file.
    /// </summary>
    private static (string Pointer, string Message)? TopLevelRule(string pointer, string evaluationPath, string keyword) => (pointer, keyword) switch
    {
        ("", "dependentRequired") => ("/notice", "'notice' needs 'validity': the notice period is counted back from the end of the validity"),
        ("", "required") when evaluationPath == "/allOf/0/then" =>
            ("/reconsent", "'changes' is required with 'reconsent: required': say what changed since the previous version and why"),
        ("", "required") when evaluationPath == "/allOf/1/then" =>
            ("/kind", "'requires' is required with 'kind: checkin': name the consent workflow the check-in relies on"),
        // A consent with requires fails the else branch (and its "if", which only chose the branch).
        ("", _) when evaluationPath.StartsWith("/allOf/1/", StringComparison.Ordinal) =>
            ("/requires", "'requires' is only for check-ins (kind: checkin): a consent workflow does not require another"),
        _ => null,
    };

    private static string NameOf(string pointer) => pointer.Length == 0 ? "the definition" : pointer[(pointer.LastIndexOf('/') + 1)..];

    private static string Describe(string pointer, string evaluationPath, string keyword, string message)
    {
        var name = NameOf(pointer);
        if (evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal))
        {
            return $"unknown field '{name}' here";
        }
        if (keyword == "enum" && pointer.StartsWith("/steps/", StringComparison.Ordinal) && pointer.EndsWith("/type", StringComparison.Ordinal))
        {
            return "unknown step type (expected identity, questions, disclosure, comprehension, discussion, ask, signature, countersign, stop, staff-check or affirmation)";
        }
        return keyword.Length == 0 ? $"'{name}': {message}" : $"'{name}': {message} ({keyword})";
    }

    private static JsonSchema LoadSchema()
    {
        using var stream = typeof(SchemaCheck).Assembly.GetManifestResourceStream("Consent.Workflows.schema.json")
            ?? throw new InvalidOperationException("workflows/schema.json is not embedded in Consent.Workflows");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    }
}
