using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Consent.Web.Ui;

/// <summary>
/// What the shared error summary (Pages/Shared/_ErrorSummary.cshtml) lists: every problem with a
/// form at once, each linked to the field it is about, after the GOV.UK Design System's error
/// summary (https://design-system.service.gov.uk/components/error-summary/).
/// </summary>
public sealed record ErrorSummary(IReadOnlyList<ErrorSummary.Item> Items)
{
    /// <summary>One problem; <paramref name="FieldId"/> is the id of the input to link to, none for the whole form.</summary>
    public sealed record Item(string Message, string? FieldId);

    /// <summary>The summary's heading, in the page's language.</summary>
    public string Title { get; init; } = "There is a problem";

    /// <summary>
    /// A patient page's errors in the patient's language: each field's message linked to its input,
    /// or, when no field is at fault, the page's problem for the whole form. Nothing when all is well.
    /// </summary>
    public static ErrorSummary ForPatient(Localization.PatientTexts texts, string? problem, IEnumerable<Item> fields)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var items = fields.ToList();
        if (items.Count == 0 && problem is not null)
        {
            items.Add(new Item(problem, null));
        }

        return new ErrorSummary(items) { Title = texts.ErrorTitle };
    }

    /// <summary>
    /// The page's errors in the order of <paramref name="fields"/> (the form's order), each use-case
    /// field name paired with the id of its input and the label people see, then the page's problem
    /// for the whole form when it is not one of them.
    /// </summary>
    public static ErrorSummary Of(StaffPageModel page, params (string Field, string InputId, string Label)[] fields)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Of(page.ModelState, page.Problem, fields);
    }

    /// <summary>The same for a page that is not a <see cref="StaffPageModel"/> (the sign-in page): its model state and problem.</summary>
    public static ErrorSummary Of(ModelStateDictionary state, string? problem, params (string Field, string InputId, string Label)[] fields)
    {
        ArgumentNullException.ThrowIfNull(state);
        var items = new List<Item>();
        foreach (var (field, inputId, label) in fields)
        {
            if (state.TryGetValue(field, out var entry))
            {
                items.AddRange(entry.Errors.Select(e => new Item(Labelled(e.ErrorMessage, field, label), inputId)));
            }
        }

        // Errors of fields this page does not name still show, without a link; the page's problem only when nothing else does.
        var named = fields.Select(f => f.Field).ToHashSet(StringComparer.Ordinal);
        items.AddRange(state.Where(e => !named.Contains(e.Key)).SelectMany(e => e.Value!.Errors).Select(e => new Item(e.ErrorMessage, null)));
        if (problem is not null && items.Count == 0)
        {
            items.Add(new Item(problem, null));
        }

        return new ErrorSummary(items);
    }

    /// <summary>One message for the whole form (pages without field errors); nothing when <paramref name="problem"/> is null.</summary>
    public static ErrorSummary Message(string? problem) => new(problem is null ? [] : [new Item(problem, null)]);

    /// <summary>
    /// A use case's message in the page's words: the use cases name fields as the API does
    /// ("displayName is required."), a page by the label beside the input ("Display name is required.").
    /// </summary>
    public static string Labelled(string message, string field, string label) =>
        message.StartsWith(field + " ", StringComparison.Ordinal) ? label + message[field.Length..] : message;
}
