using Consent.Web.UseCases;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Consent.Web.Ui;

/// <summary>What the patient forms (register, correct, start for a patient) share.</summary>
public static class PatientForms
{
    /// <summary>
    /// The patient who already holds the MRN typed, when <paramref name="outcome"/> is that refusal (a 409
    /// naming <c>patientId</c>); its reason is filed under <paramref name="field"/>, so it shows at the MRN.
    /// </summary>
    public static Guid? MrnHolder<T>(ModelStateDictionary state, Outcome<T> outcome, string field)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (outcome is Outcome<T>.Refused { Refusal: { Kind: RefusedAs.Conflict, Extensions: { } facts } refusal }
            && facts.TryGetValue("patientId", out var holder) && holder is Guid id)
        {
            state.AddModelError(field, refusal.Reason);
            return id;
        }

        return null;
    }
}
