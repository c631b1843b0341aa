using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Clinician;
using Consent.Web.UseCases.Sessions;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// One session for the clinician who started it: the patient link and QR code, progress, the
/// patient's questions, discussions, countersigning, voiding, withdrawal and a new link. Every
/// action runs the same use case as the matching <c>/api/v1/sessions/{id}/...</c> endpoint.
/// </summary>
[Authorize(Policy = Policies.Clinician)]
public sealed class SessionModel(SessionReads reads, ClinicianActions actions, QrCodes qr, StaffNotes notes, InvitationStatus invitations) : StaffPageModel
{
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
    public IReadOnlyList<string> Needs => NeedsYou.For(State, notes);

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

        return Page();
    }

    /// <summary>What the page's script updates in place: the badge, the progress, the current step and what needs the clinician.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct) =>
        await LoadAsync(ct)
            ? new JsonResult(new
            {
                status = State.Status.ToString(),
                statusLabel = StaffLabels.Status(State.Status.ToString()),
                seq = State.LastSeq,
                progress = $"{State.Progress.Index} of {State.Progress.Total}",
                current = CurrentStepText,
                needs = Needs,
                invitation = Invitation,
            })
            : NotFound();

    /// <summary>The step the patient is on, in words.</summary>
    public string CurrentStepText => State.CurrentStep is { } step ? StepTitle(step.Id) : "—";

    public Task<IActionResult> OnPostAnswerAsync(string questionId, string? answer, CancellationToken ct) =>
        ActAsync(actions.AnswerQuestionAsync(Id, questionId, answer, Caller.From(HttpContext), ct),
            "Your answer was sent to the patient.", ct);

    public Task<IActionResult> OnPostDiscussionAsync(string? note, CancellationToken ct) =>
        ActAsync(actions.RecordDiscussionAsync(Id, note, Caller.From(HttpContext), ct),
            "The discussion was recorded. The patient can now sign.", ct);

    public Task<IActionResult> OnPostCountersignAsync(string? password, bool statementAccepted, bool nameConfirmed, CancellationToken ct) =>
        ActAsync(actions.CountersignAsync(Id, password, statementAccepted, Caller.From(HttpContext), ct, nameConfirmed),
            "You countersigned. The consent is complete; the signed record is being issued.", ct);

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
        // Every event: the brief reads the time spent on each disclosure from them (a session has tens, not thousands).
        if (await reads.OwnAsync(Id, User, int.MaxValue, ct) is not Outcome<ClinicianSession>.Ok { Value: var own })
        {
            return false;
        }

        (Session, Workflow, State) = (own.Session, own.Workflow, own.State);
        RecentEvents = [.. own.RecentEvents.Take(12)];
        Invitation = await invitations.ForAsync(Session, ct);
        Brief = State.PatientSignature is null ? null : CountersignBrief.From(Workflow, Session, State, own.RecentEvents, notes);
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
