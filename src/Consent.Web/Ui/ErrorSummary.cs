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

    /// <summary>
    /// The page's errors in the order of <paramref name="fields"/> (the form's order), each use-case
    /// field name paired with the id of its input and the label people see, then the page's problem
    /// for the whole form when it is not one of them.
    /// </summary>
    public static ErrorSummary Of(StaffPageModel page, params (string Field, string InputId, string Label)[] fields)
    {
        var items = new List<Item>();
        foreach (var (field, inputId, label) in fields)
        {
            if (page.ModelState.TryGetValue(field, out var entry))
            {
                items.AddRange(entry.Errors.Select(e => new Item(Labelled(e.ErrorMessage, field, label), inputId)));
            }
        }

        if (page.Problem is { } problem && page.ModelState.ErrorCount == 0)
        {
            items.Add(new Item(problem, null));
        }

        return new ErrorSummary(items);
    }

    /// <summary>
    /// A use case's message in the page's words: the use cases name fields as the API does
    /// ("displayName is required."), a page by the label beside the input ("Display name is required.").
    /// </summary>
    public static string Labelled(string message, string field, string label) =>
        message.StartsWith(field + " ", StringComparison.Ordinal) ? label + message[field.Length..] : message;
}
