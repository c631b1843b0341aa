using System.Globalization;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Clinician;
using Consent.Web.UseCases.Sessions;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// One session for the clinician who started it: the patient link and QR code, progress, the
/// patient's questions, discussions, countersigning, voiding, withdrawal and a new link. Every
/// action runs the same use case as the matching <c>/api/v1/sessions/{id}/...</c> endpoint.
/// </summary>
[Authorize(Policy = Policies.Clinician)]
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.SessionPage, SystemEvents.ReadSubject.Session)]
// The paper form's scan may be up to 20 MB (the service's 4 MB default would refuse it before the page could say why).
[RequestSizeLimit(Consent.Records.PaperScans.MaxBytes + (256 * 1024))]
[RequestFormLimits(MultipartBodyLengthLimit = Consent.Records.PaperScans.MaxBytes + (256 * 1024))]
public sealed class SessionModel(
    SessionReads reads, ClinicianActions actions, QrCodes qr, StaffNotes notes, InvitationStatus invitations, SignInManager<StaffUser> signIn,
    SystemEvents.SystemEventReads dataReads, Identity.StaffSignatures signatures, SignedRecords.ClinicSettings clinic, TimeProvider clock)
    : StaffPageModel
{
    /// <summary>Today in the clinic's time zone (yyyy-MM-dd), the paper form's default and latest signing date.</summary>
    public string ClinicToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), clinic.TimeZone).DateTime)
        .ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Who has read this data (the system audit trail), for the "who has seen this" panel.</summary>
    public SystemEvents.PatientDataReadsPanel Reads { get; private set; } = new(0, []);

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ConsentSession Session { get; private set; } = null!;

    public LoadedWorkflow Workflow { get; private set; } = null!;

    public SessionState State { get; private set; } = null!;

    public IReadOnlyList<ConsentEvent> RecentEvents { get; private set; } = [];

    /// <summary>What the clinician attests to, once the patient has signed; null before.</summary>
    public CountersignBrief? Brief { get; private set; }

    public StaffNotes Notes => notes;

    /// <summary>Whether the invitation email was sent, or why not.</summary>
    public string Invitation { get; private set; } = "";

    /// <summary>What the session needs from the clinician now (the list's "Needs you").</summary>
    public IReadOnlyList<string> Needs => NeedsYou.For(State, notes, Workflow.Definition);

    /// <summary>A step as staff name it.</summary>
    public string StepTitle(string? stepId) => notes.StepTitle(Workflow, stepId);

    /// <summary>The patient link, only right after it was made (start or reissue).</summary>
    public string? NewLink { get; private set; }

    public string? QrDataUri { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public static string NewLinkKey(Guid id) => "link:" + id.ToString("N");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        if (TempData[NewLinkKey(Id)] is string link)
        {
            NewLink = link;
            QrDataUri = qr.PngDataUri(link);
        }

        Reads = await dataReads.ReadsOfSessionAsync(Id, ct);
        return Page();
    }

    /// <summary>What the page's script updates in place: the badge, the progress, the current step and what needs the clinician.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct) =>
        await LoadAsync(ct)
            ? SystemEvents.PatientDataReads.StatusPoll(HttpContext, new JsonResult(new
            {
                status = State.Status.ToString(),
                statusLabel = StaffLabels.Status(State.Status.ToString()),
                seq = State.LastSeq,
                progress = $"{State.Progress.Index} of {State.Progress.Total}",
                current = CurrentStepText,
                needs = Needs,
                invitation = Invitation,
            }))
            : NotFound();

    /// <summary>The step the patient is on, in words.</summary>
    public string CurrentStepText => State.CurrentStep is { } step ? StepTitle(step.Id) : "—";

    public Task<IActionResult> OnPostAnswerAsync(string questionId, string? answer, CancellationToken ct) =>
        ActAsync(actions.AnswerQuestionAsync(Id, questionId, answer, Caller.From(HttpContext), ct),
            "Your answer was sent to the patient.", ct);

    public Task<IActionResult> OnPostDiscussionAsync(string? note, CancellationToken ct) =>
        ActAsync(actions.RecordDiscussionAsync(Id, note, Caller.From(HttpContext), ct),
            "The discussion was recorded. The patient can now sign.", ct);

    /// <summary>Whether this sign-in's next signature needs the authenticator code too (its first one does, 21 CFR 11.200(a)(1)).</summary>
    public bool SignatureNeedsCode { get; private set; }

    public Task<IActionResult> OnPostCountersignAsync(string? password, string? code, bool statementAccepted, bool nameConfirmed, CancellationToken ct) =>
        ActAsync(actions.CountersignAsync(Id, password, statementAccepted, Caller.From(HttpContext), ct, nameConfirmed, code),
            "You countersigned. The consent is complete; the signed record is being issued.", ct);

    /// <summary>The scan of the paper form the patient signed in the clinician's presence, and the attestation (ClinicianActions.RecordPaperAsync).</summary>
    public async Task<IActionResult> OnPostPaperAsync(IFormFile? scan, string? signedOn, string? password, string? code, bool statementAccepted, CancellationToken ct)
    {
        if (scan is { Length: > Consent.Records.PaperScans.MaxBytes })
        {
            return await ActAsync(Task.FromResult<Outcome<SessionWrite>>(
                FieldErrors.One("scan", "The scan is larger than 20 MB. Scan at a lower resolution, or in grey, and try again.")), "", ct);
        }

        byte[]? bytes = null;
        if (scan is not null)
        {
            using var buffer = new MemoryStream((int)scan.Length);
            await scan.CopyToAsync(buffer, ct);
            bytes = buffer.ToArray();
        }

        return await ActAsync(actions.RecordPaperAsync(Id, bytes, scan?.ContentType, scan?.FileName, signedOn, password, statementAccepted,
            Caller.From(HttpContext), ct, code), "The signed paper form was recorded. The consent is complete; the signed record is being issued.", ct);
    }

    public Task<IActionResult> OnPostFollowUpAsync(string? note, CancellationToken ct) =>
        ActAsync(actions.FollowUpReferralAsync(Id, note, Caller.From(HttpContext), ct),
            "The follow-up was recorded.", ct);

    public Task<IActionResult> OnPostVoidAsync(string? reason, CancellationToken ct) =>
        ActAsync(actions.VoidAsync(Id, reason, Caller.From(HttpContext), ct),
            "The session was voided. The patient link no longer works.", ct);

    public Task<IActionResult> OnPostWithdrawAsync(string? reason, CancellationToken ct) =>
        ActAsync(actions.WithdrawAsync(Id, reason, Caller.From(HttpContext), ct),
            "The withdrawal was recorded. A withdrawal record is being issued.", ct);

    public async Task<IActionResult> OnPostReissueAsync(CancellationToken ct)
    {
        var outcome = await actions.ReissueLinkAsync(Id, Caller.From(HttpContext), ct);
        if (Succeeded(outcome, out var write) && write is SessionWrite.Applied { Body: var body } && body["patientUrl"]?.GetValue<string>() is { } url)
        {
            TempData[NewLinkKey(Id)] = url;
            Notice = "A new link was made. The old link no longer works.";
            return Redirect($"/clinician/sessions/{Id}");
        }

        return await ShowProblemAsync(ct);
    }

    /// <summary>
    /// A check-in's staff check from its form: each field <c>f_&lt;id&gt;</c> read as a number or yes/no. The use case
    /// (the same one as <c>POST /api/v1/sessions/{id}/staff-checks/{stepId}</c>) checks ranges and says what is wrong.
    /// </summary>
    public async Task<IActionResult> OnPostStaffCheckAsync(string stepId, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        if (Workflow.Definition.FindStep(stepId) is not StaffCheckStep step)
        {
            Problem = "This check-in has no such staff check.";
            return Page();
        }

        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var field in step.Fields)
        {
            var raw = Request.Form["f_" + field.Id].ToString().Trim();
            values[field.Id] = field.Kind switch
            {
                StaffFieldKind.YesNo => raw switch { "yes" => JsonValue.Create(true), "no" => JsonValue.Create(false), _ => null },
                // Digits and one decimal point only: "1,25" (a decimal comma) must not become 125.
                _ => decimal.TryParse(raw, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : null,
            };
            if (values[field.Id] is null)
            {
                Problem = $"Enter “{MarkdownHtml.Plain(field.Label.For(StaffNotes.Language))}”"
                    + (field.Kind == StaffFieldKind.YesNo ? ": yes or no." : $" as a number{(field.Unit is { } unit ? " in " + unit : "")}, digits only (a point for decimals).");
                return Page();
            }
        }

        return await ActAsync(actions.RecordStaffCheckAsync(Id, stepId, values, Caller.From(HttpContext), ct), "The check was recorded.", ct);
    }

    /// <summary>The clinician's signed decision on a held check-in (password re-entered, as for a countersignature).</summary>
    public Task<IActionResult> OnPostDecideAsync(string? decision, string? note, string? password, string? code, CancellationToken ct) =>
        ActAsync(actions.DecideCheckinAsync(Id, decision, note, password, Caller.From(HttpContext), ct, code),
            decision == "cleared" ? "You cleared the check-in: the dose may go ahead today." : "You decided: no dose today.", ct);

    /// <summary>
    /// Opens the check-in on this device, a clinic tablet: a new link made for the tablet (recorded on the chain, 21 CFR
    /// 11.10(h)), never mailed, and this browser's staff sign-in ended, so the patient holding the tablet cannot reach staff
    /// pages. The patient confirms their date of birth and answers; staff sign in again when it is handed back.
    /// </summary>
    public async Task<IActionResult> OnPostTabletAsync(CancellationToken ct)
    {
        var outcome = await actions.ReissueLinkAsync(Id, Caller.From(HttpContext), ct, Devices.ClinicTablet);
        if (Succeeded(outcome, out var write) && write is SessionWrite.Applied { Body: var body } && body["patientUrl"]?.GetValue<string>() is { } url)
        {
            await signIn.SignOutAsync();
            return Redirect(new Uri(url).PathAndQuery);
        }

        return await ShowProblemAsync(ct);
    }

    /// <summary>Why a check-in was held, as staff name it.</summary>
    public string CheckinReason(string reasonId) => notes.CheckinReason(Workflow.Definition, reasonId);

    private async Task<IActionResult> ActAsync(Task<Outcome<SessionWrite>> action, string done, CancellationToken ct)
    {
        if (!Succeeded(await action, out _))
        {
            return await ShowProblemAsync(ct);
        }

        Notice = done;
        return Redirect($"/clinician/sessions/{Id}");
    }

    /// <summary>The page again, with <see cref="StaffPageModel.Problem"/> saying why the action did not happen.</summary>
    private async Task<IActionResult> ShowProblemAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        SignatureNeedsCode = await signatures.NeedsCodeAsync(User, ct);
        // Every event: the brief reads the time spent on each disclosure from them (a session has tens, not thousands).
        if (await reads.OwnAsync(Id, User, int.MaxValue, ct) is not Outcome<ClinicianSession>.Ok { Value: var own })
        {
            return false;
        }

        (Session, Workflow, State) = (own.Session, own.Workflow, own.State);
        RecentEvents = [.. own.RecentEvents.Take(12)];
        Invitation = await invitations.ForAsync(Session, ct);
        Brief = State.Signatures.Count == 0 ? null : CountersignBrief.From(Workflow, Session, State, own.RecentEvents, notes);
        return true;
    }

    /// <summary>The attestation in the clinician's language, the one to read.</summary>
    public string AttestationStaff => Workflow.Definition.Steps.OfType<CountersignStep>().First().Statement
        .For(Workflow.Definition.Languages.Contains(StaffNotes.Language) ? StaffNotes.Language : Session.Language);

    /// <summary>The same statement in the session's language (the one recorded and hashed), when that is another language.</summary>
    public string? AttestationRecorded => Session.Language == StaffNotes.Language || !Workflow.Definition.Languages.Contains(StaffNotes.Language)
        ? null : Workflow.Definition.Steps.OfType<CountersignStep>().First().Statement.For(Session.Language);

    public bool IsActive => State.Status is SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign;
}
