using System.ComponentModel.DataAnnotations;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Consent.Web.UseCases.Sessions;
using Consent.Web.WorkflowVersions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// Starts a consent session on an approved workflow version, through the same use case as <c>POST /api/v1/sessions</c>:
/// for the patient typed in, or, from a patient's page (<c>?patientId=</c>), for that registered patient.
/// </summary>
[Authorize(Policy = Policies.Clinician)]
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.StartForPatient, SystemEvents.ReadSubject.Patient)]
public sealed class StartModel(WorkflowApprovals approvals, WorkflowRegistry workflows, SessionStarts starts, PatientRegistry patients) : StaffPageModel
{
    [BindProperty]
    public StartInput Input { get; set; } = new();

    /// <summary>The registered patient the session is for, from the patient's page; none when the clinician types the details.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? PatientId { get; set; }

    /// <summary>The registered patient named by <see cref="PatientId"/>.</summary>
    public PatientView? Patient { get; private set; }

    public IReadOnlyList<(string Value, string Label, IReadOnlyList<string> Languages)> Choices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        if (!await LoadPatientAsync(ct))
        {
            return NotFound();
        }

        // The patient's preferred language, when they have one: still only a starting point the clinician can change.
        if (Patient?.PreferredLanguage is { } preferred && Choices.Any(c => c.Languages.Contains(preferred)))
        {
            Input.Language = preferred;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadChoicesAsync(ct);
        if (!await LoadPatientAsync(ct))
        {
            return NotFound();
        }

        var (id, version) = Parse(Input.Workflow);
        var start = Patient is null
            ? new StartSession(id, version, Input.Language, new PatientInput(Input.PatientName, Input.DateOfBirth, Input.Mrn, Input.Email))
            : new StartSession(id, version, Input.Language, null, Patient.Id);
        // Who signs: a group left blank is nobody; a group partly filled goes to the same checks as the API's, which name what is missing.
        start = start with
        {
            Representative = Blank(Input.RepresentativeName, Input.Relationship, Input.Authority, Input.RepresentativeEmail, Input.IdentityCheck) ? null
                : new RepresentativeInput(Input.RepresentativeName, Input.Relationship, Input.Authority, Input.RepresentativeEmail, Input.IdentityCheck),
            Assent = Input.Assent ? true : null,
            Witness = Blank(Input.WitnessName) ? null : new WitnessInput(Input.WitnessName),
            Interpreter = Blank(Input.InterpreterName, Input.InterpreterLanguage, Input.Qualification) ? null
                : new InterpreterInput(Input.InterpreterName, Input.InterpreterLanguage, Input.Qualification, Input.Mode),
        };
        var outcome = SystemEvents.PatientDataReads.NamedInConflict(HttpContext, await starts.StartAsync(start, Caller.From(HttpContext), ct));
        if (!Succeeded(outcome, out var started))
        {
            // The API asks for YYYY-MM-DD; the page's date picker shows the browser's own format, so say it in its terms.
            Reword("patient.dateOfBirth", DateOfBirthError);

            if (string.IsNullOrEmpty(Input.Workflow))
            {
                // Nothing was chosen: say so, rather than the API's "no such workflow version".
                ModelState.Remove("workflowId");
                ModelState.AddModelError("workflowId", "Choose the workflow for this patient.");
                Problem = "Choose the workflow for this patient.";
            }

            return Page();
        }

        // The link is shown once: only its hash is stored. TempData (a data-protected cookie) carries it to the next page.
        TempData[SessionModel.NewLinkKey(started.Id)] = started.PatientUrl;
        TempData[nameof(SessionModel.Notice)] = "The session was started. Whether the invitation email went out shows under Patient.";
        return Redirect($"/clinician/sessions/{started.Id}");
    }

    /// <summary>The patient <see cref="PatientId"/> names; false when it names none.</summary>
    private async Task<bool> LoadPatientAsync(CancellationToken ct)
    {
        if (PatientId is not { } id)
        {
            return true;
        }

        Patient = await patients.GetAsync(id, ct) is Outcome<PatientView>.Ok { Value: var patient } ? patient : null;
        if (Patient is not null)
        {
            SystemEvents.PatientDataReads.Showed(HttpContext, Patient.Id);
        }

        return Patient is not null;
    }

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        var approved = await approvals.ApprovedAsync(null, ct);
        // Consents only: a check-in is started apart, for a patient whose consent is in force.
        Choices = [.. approved.Select(w => workflows.Find(w.WorkflowId, w.Version)).OfType<Consent.Workflows.LoadedWorkflow>()
            .Where(w => !w.Definition.IsCheckin)
            .Select(w => ($"{w.Definition.Id}@{w.Definition.Version}", $"{w.Definition.Title.For("en")} (version {w.Definition.Version})",
                (IReadOnlyList<string>)[.. w.Definition.Languages]))];
    }

    private static bool Blank(params string?[] values) => values.All(string.IsNullOrWhiteSpace);

    /// <summary>The date of birth error in the picker's terms (month, day and year as the browser shows them).</summary>
    public const string DateOfBirthError = "Enter the patient's date of birth, a day in the past: pick it in the calendar or type the month, day and year.";

    private static (string? Id, int? Version) Parse(string? value)
    {
        var at = value?.LastIndexOf('@') ?? -1;
        return at > 0 && int.TryParse(value![(at + 1)..], out var version) ? (value[..at], version) : (value, null);
    }

    /// <summary>The start form.</summary>
    public sealed class StartInput
    {
        public string? Workflow { get; set; }

        public string? Language { get; set; } = "en";

        [Display(Name = "Patient's full name")]
        public string? PatientName { get; set; }

        public string? DateOfBirth { get; set; }

        public string? Mrn { get; set; }

        public string? Email { get; set; }

        public string? RepresentativeName { get; set; }

        public string? Relationship { get; set; }

        public string? Authority { get; set; }

        public string? RepresentativeEmail { get; set; }

        public string? IdentityCheck { get; set; }

        public bool Assent { get; set; }

        public string? WitnessName { get; set; }

        public string? InterpreterName { get; set; }

        public string? InterpreterLanguage { get; set; }

        public string? Qualification { get; set; }

        public string? Mode { get; set; } = Consent.Workflows.InterpretingModes.InPerson;
    }
}
