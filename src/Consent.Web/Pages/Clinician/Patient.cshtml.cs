using System.ComponentModel.DataAnnotations;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// One patient for a clinician: their details, the consent status per workflow, the timeline of every
/// session and correction, and the actions: start a consent (the start page, for this patient), withdraw a
/// consent in force (on the page of a session this clinician started) and correct the details with a reason
/// (<see cref="PatientRegistry.CorrectAsync"/>, as <c>POST /api/v1/patients/{id}/corrections</c>).
/// </summary>
/// <remarks>
/// One deployment is one clinic: every clinician sees every patient's status and timeline; a session's
/// contents and actions stay with the clinician who started it (its link goes to the session page only for them).
/// </remarks>
[Authorize(Policy = Policies.Clinician)]
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.PatientPage, SystemEvents.ReadSubject.Patient)]
public sealed class PatientModel(PatientRecordPage pages, PatientRegistry registry, PatientReconsent reconsent, PatientCheckins checkins, SystemEvents.SystemEventReads dataReads) : StaffPageModel
{
    /// <summary>Who has read this data (the system audit trail), for the "who has seen this" panel.</summary>
    public SystemEvents.PatientDataReadsPanel Reads { get; private set; } = new(0, []);

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public PatientRecord Record { get; private set; } = null!;

    /// <summary>A form this page does not have (a handler it lacks) is a 405, not the page drawn without its data.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HandlerMethod is null)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        await next();
    }

    /// <summary>The correction as typed (every field posted; an emptied optional field is cleared).</summary>
    [BindProperty]
    public CorrectionInput Correction { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    /// <summary>True when the correction was refused: the form stays open with its errors.</summary>
    public bool CorrectionRefused { get; private set; }

    /// <summary>When the MRN typed is already another patient's: that patient.</summary>
    public Guid? MrnHolder { get; private set; }

    /// <summary>The languages a patient may prefer.</summary>
    public IReadOnlyCollection<string> Languages => registry.Languages;

    /// <summary>The correction form's errors, in the form's order, each linked to its field.</summary>
    public ErrorSummary CorrectionErrors => ErrorSummary.Of(this, CorrectionFields);

    /// <summary>A correction field's first error, in the page's words.</summary>
    public string? CorrectionError(string field) =>
        ErrorFor(field) is { } message ? ErrorSummary.Labelled(message, field, CorrectionFields.Single(f => f.Field == field).Label) : null;

    private static readonly (string Field, string InputId, string Label)[] CorrectionFields =
    [
        ("name", "fix-name", "Full name"),
        ("dateOfBirth", "fix-dob", "Date of birth"),
        ("mrn", "fix-mrn", "Medical record number"),
        ("email", "fix-email", "Email"),
        ("preferredLanguage", "fix-language", "Preferred language"),
        ("reason", "fix-reason", "Reason"),
    ];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        Correction = CorrectionInput.Of(Record.Patient);
        Reads = await dataReads.ReadsOfPatientAsync(Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCorrectAsync(CancellationToken ct)
    {
        var outcome = SystemEvents.PatientDataReads.NamedInConflict(HttpContext, await registry.CorrectAsync(Id, new PatientCorrectionInput(
            Correction.Name ?? "", Correction.DateOfBirth ?? "", Correction.Mrn ?? "", Correction.Email ?? "", Correction.PreferredLanguage ?? "",
            Correction.Reason), Caller.From(HttpContext), ct));
        if (outcome is Outcome<PatientView>.NotFound)
        {
            return NotFound();
        }

        if (Succeeded(outcome, out _))
        {
            Notice = "The details were corrected. Sessions keep the details they were started with; new sessions take these.";
            return Redirect($"/clinician/patients/{Id}");
        }

        CorrectionRefused = true;
        Reword("dateOfBirth", StartModel.DateOfBirthError);
        MrnHolder = PatientForms.MrnHolder(ModelState, outcome, "mrn");
        return await LoadAsync(ct) ? Page() : NotFound();
    }

    /// <summary>Re-consent (<see cref="PatientReconsent"/>, as <c>POST /api/v1/patients/{id}/reconsent</c>): the new session's page shows its link once.</summary>
    public async Task<IActionResult> OnPostReconsentAsync(string? workflowId, CancellationToken ct)
    {
        var outcome = await reconsent.StartAsync(Id, new ReconsentInput(workflowId), Caller.From(HttpContext), ct);
        if (outcome is Outcome<UseCases.Sessions.StartedSession>.NotFound)
        {
            return NotFound();
        }

        if (Succeeded(outcome, out var started))
        {
            TempData[SessionModel.NewLinkKey(started.Id)] = started.PatientUrl;
            TempData[nameof(SessionModel.Notice)] = "The re-consent was started. The patient first sees what changed since they signed.";
            return Redirect($"/clinician/sessions/{started.Id}");
        }

        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        Correction = CorrectionInput.Of(Record.Patient);
        ReconsentRefused = true;
        return Page();
    }

    /// <summary>
    /// Today's check-in (<see cref="PatientCheckins"/>, as <c>POST /api/v1/patients/{id}/checkins</c>): the check-in's page shows
    /// its link once, and from there staff enter their checks or open it on a clinic tablet.
    /// </summary>
    public async Task<IActionResult> OnPostCheckinAsync(string? workflowId, CancellationToken ct)
    {
        var outcome = await checkins.StartAsync(Id, new StartCheckinInput(workflowId), Caller.From(HttpContext), ct);
        if (outcome is Outcome<UseCases.Sessions.StartedSession>.NotFound)
        {
            return NotFound();
        }

        if (Succeeded(outcome, out var started))
        {
            TempData[SessionModel.NewLinkKey(started.Id)] = started.PatientUrl;
            TempData[nameof(SessionModel.Notice)] = "Today's check-in was started. Give the patient the link, or open it on a clinic tablet below.";
            return Redirect($"/clinician/sessions/{started.Id}");
        }

        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        Correction = CorrectionInput.Of(Record.Patient);
        CheckinRefused = true;
        return Page();
    }

    /// <summary>True when a check-in was refused: <see cref="StaffPageModel.Problem"/> says why.</summary>
    public bool CheckinRefused { get; private set; }

    /// <summary>True when a re-consent was refused: <see cref="StaffPageModel.Problem"/> says why.</summary>
    public bool ReconsentRefused { get; private set; }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (await pages.LoadAsync(Id, User, ct) is not { } record)
        {
            return false;
        }

        Record = record;
        return true;
    }

    /// <summary>The correction form: every field as it should be now, and why.</summary>
    public sealed class CorrectionInput
    {
        [DisplayFormat(ConvertEmptyStringToNull = false)]
        public string? Name { get; set; }

        [DisplayFormat(ConvertEmptyStringToNull = false)]
        public string? DateOfBirth { get; set; }

        [DisplayFormat(ConvertEmptyStringToNull = false)]
        public string? Mrn { get; set; }

        [DisplayFormat(ConvertEmptyStringToNull = false)]
        public string? Email { get; set; }

        [DisplayFormat(ConvertEmptyStringToNull = false)]
        public string? PreferredLanguage { get; set; }

        public string? Reason { get; set; }

        public static CorrectionInput Of(PatientView patient) => new()
        {
            Name = patient.Name,
            DateOfBirth = StaffLabels.Date(patient.DateOfBirth),
            Mrn = patient.Mrn ?? "",
            Email = patient.Email ?? "",
            PreferredLanguage = patient.PreferredLanguage ?? "",
        };
    }
}
