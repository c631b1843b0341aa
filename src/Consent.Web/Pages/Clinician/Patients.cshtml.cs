using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// The clinic's patients for a clinician: the first patients by name, a posted search by name or MRN, and
/// "Register a patient" (<see cref="PatientRegistry.RegisterAsync"/>, as <c>POST /api/v1/patients</c>). One
/// deployment is one clinic, so every clinician finds every patient (see <see cref="PatientRegistry"/>).
/// </summary>
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.PatientList, SystemEvents.ReadSubject.Many)]
[Authorize(Policy = Policies.Clinician)]
public sealed class PatientsModel(PatientRegistry patients) : PatientSearchPage(patients)
{
    private readonly PatientRegistry registry = patients;

    public override string PatientsPath => "/clinician/patients";

    /// <summary>The new patient's details, as typed.</summary>
    [BindProperty]
    public RegisterInput Input { get; set; } = new();

    /// <summary>True when registering was refused: its errors show at its form, not at the search.</summary>
    public bool RegisterRefused { get; private set; }

    /// <summary>When the MRN typed is already a patient's: that patient, to open instead.</summary>
    public Guid? MrnHolder { get; private set; }

    /// <summary>The languages a patient may prefer (those the workflows are written in).</summary>
    public IReadOnlyCollection<string> Languages => registry.Languages;

    /// <summary>The register form's errors, in the form's order, each linked to its field.</summary>
    public ErrorSummary RegisterErrors => ErrorSummary.Of(this, RegisterFields);

    /// <summary>A register field's first error, in the page's words.</summary>
    public string? RegisterError(string field) =>
        ErrorFor(field) is { } message ? ErrorSummary.Labelled(message, field, RegisterFields.Single(f => f.Field == field).Label) : null;

    /// <summary>The register form's fields: the use case's name, the input's id, the label.</summary>
    private static readonly (string Field, string InputId, string Label)[] RegisterFields =
    [
        ("name", "new-name", "Full name"),
        ("dateOfBirth", "new-dob", "Date of birth"),
        ("mrn", "new-mrn", "Medical record number"),
        ("email", "new-email", "Email"),
        ("preferredLanguage", "new-language", "Preferred language"),
    ];

    public async Task OnGetAsync(CancellationToken ct) => await ListAsync(null, ct);

    /// <summary>The search (the page's default form).</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await ListAsync(Search.Query, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRegisterAsync(CancellationToken ct)
    {
        var outcome = SystemEvents.PatientDataReads.NamedInConflict(HttpContext, await registry.RegisterAsync(
            new PatientDetailsInput(Input.Name, Input.DateOfBirth, Input.Mrn, Input.Email, Input.PreferredLanguage), Caller.From(HttpContext), ct));
        if (Succeeded(outcome, out var patient))
        {
            TempData[nameof(PatientModel.Notice)] = $"{patient.Name} is registered.";
            return Redirect($"/clinician/patients/{patient.Id}");
        }

        RegisterRefused = true;
        Reword("dateOfBirth", StartModel.DateOfBirthError);
        MrnHolder = PatientForms.MrnHolder(ModelState, outcome, "mrn");
        await ListAsync(null, ct);
        return Page();
    }

    /// <summary>The register form.</summary>
    public sealed class RegisterInput
    {
        public string? Name { get; set; }

        public string? DateOfBirth { get; set; }

        public string? Mrn { get; set; }

        public string? Email { get; set; }

        public string? PreferredLanguage { get; set; }
    }
}
