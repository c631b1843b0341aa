using Microsoft.AspNetCore.Http.HttpResults;

namespace Consent.Web.Ui;

/// <summary>
/// What an API handler answered, for a page that called it directly: staff pages run the very same
/// handlers as <c>/api/v1</c> (same checks, same events, same refusals) and show the outcome as HTML.
/// </summary>
public sealed record ApiOutcome(bool Succeeded, string? Message, IReadOnlyDictionary<string, string[]> Errors, object? Value)
{
    public static ApiOutcome From(IResult result) => result switch
    {
        INestedHttpResult nested => From(nested.Result),
        ValidationProblem invalid => new(false, invalid.ProblemDetails.Errors.Values.SelectMany(e => e).FirstOrDefault() ?? "Please check the form.",
            invalid.ProblemDetails.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.OrdinalIgnoreCase), null),
        ProblemHttpResult problem => new(false, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "That did not work.",
            new Dictionary<string, string[]>(), null),
        IStatusCodeHttpResult { StatusCode: >= 400 } failed => new(false, $"That did not work (HTTP {failed.StatusCode}).", new Dictionary<string, string[]>(), null),
        IValueHttpResult value => new(true, null, new Dictionary<string, string[]>(), value.Value),
        _ => new(true, null, new Dictionary<string, string[]>(), null),
    };

    /// <summary>The first error for a field (keys as the API names them, e.g. <c>patient.name</c>).</summary>
    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? messages.FirstOrDefault() : null;
}
