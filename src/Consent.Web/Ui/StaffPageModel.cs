using System.Diagnostics.CodeAnalysis;
using Consent.Web.UseCases;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Ui;

/// <summary>
/// What staff pages share: the one place a use case's <see cref="Outcome{T}"/> becomes what a page
/// shows. Errors by field go into ModelState (keys as the API names them, e.g. <c>patient.name</c>),
/// and a message for the whole form into <see cref="Problem"/>.
/// </summary>
public abstract class StaffPageModel : PageModel
{
    /// <summary>Why the last action did not happen, for the top of the page; null when it did.</summary>
    public string? Problem { get; protected set; }

    /// <summary>The first error for a field, as the use case named it.</summary>
    public string? ErrorFor(string field) =>
        ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>
    /// Says a field's error in the page's own terms (a date picker's, say, rather than the API's
    /// <c>YYYY-MM-DD</c>): in ModelState, and in <see cref="Problem"/> when that was the field's message.
    /// </summary>
    protected void Reword(string field, string message)
    {
        if (ModelState.TryGetValue(field, out var entry) && entry.Errors.Count > 0)
        {
            if (Problem == entry.Errors[0].ErrorMessage)
            {
                Problem = message;
            }

            ModelState.Remove(field);
            ModelState.AddModelError(field, message);
        }
    }

    /// <summary>True with the value when the outcome is done; otherwise false, with ModelState and <see cref="Problem"/> saying why.</summary>
    protected bool Succeeded<T>(Outcome<T> outcome, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        switch (outcome)
        {
            case Outcome<T>.Ok done:
                value = done.Value;
                return true;
            case Outcome<T>.Invalid invalid:
                foreach (var (field, messages) in invalid.Errors)
                {
                    foreach (var message in messages)
                    {
                        ModelState.AddModelError(field, message);
                    }
                }

                Problem = invalid.Errors.Values.SelectMany(e => e).FirstOrDefault() ?? "Please check the form.";
                return false;
            case Outcome<T>.Refused refused:
                Problem = refused.Refusal.Reason;
                return false;
            case Outcome<T>.NotFound missing:
                Problem = missing.Detail ?? "That did not work (HTTP 404).";
                return false;
            default:
                throw new InvalidOperationException("Unknown outcome.");
        }
    }
}
