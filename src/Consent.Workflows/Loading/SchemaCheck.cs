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
        var results = Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }
        var problems = new List<(string, string)>();
        foreach (var detail in (results.Details ?? []).Prepend(results))
        {
            // Failures inside an "if" only choose a branch; they are not errors.
            if (detail.Errors is null || detail.IsValid || detail.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal))
            {
                continue;
            }
            var pointer = detail.InstanceLocation.ToString();
            foreach (var (keyword, message) in detail.Errors)
            {
                problems.Add((pointer, Describe(pointer, detail.EvaluationPath.ToString(), keyword, message)));
            }
        }
        if (problems.Count == 0)
        {
            problems.Add(("", "the definition does not match workflows/schema.json"));
        }
        return problems.Distinct().ToList();
    }

    private static string Describe(string pointer, string evaluationPath, string keyword, string message)
    {
        var name = pointer.Length == 0 ? "the definition" : pointer[(pointer.LastIndexOf('/') + 1)..];
        if (evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal))
        {
            return $"unknown field '{name}' here";
        }
        if (evaluationPath.EndsWith("/type/enum", StringComparison.Ordinal) && pointer.EndsWith("/type", StringComparison.Ordinal))
        {
            return "unknown step type (expected identity, questions, disclosure, comprehension, discussion, ask, signature, countersign or stop)";
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
