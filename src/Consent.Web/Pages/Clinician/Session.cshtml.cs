using System.Text.Json.Nodes;
using Consent.Web.Api;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Mail;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Workflows;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// One session for the clinician who started it: the patient link and QR code, progress, the
/// patient's questions, discussions, countersigning, voiding, withdrawal and a new link. Every
/// action runs the same handler as the matching <c>/api/v1/sessions/{id}/...</c> endpoint.
/// </summary>
[Authorize(Policy = Policies.Clinician)]
public sealed class SessionModel(
    ConsentDbContext db, SessionWriter writer, PatientLinks links, PatientMail mail, TimeProvider clock, QrCodes qr,
    UserManager<StaffUser> users, SignInManager<StaffUser> signIn) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ConsentSession Session { get; private set; } = null!;

    public LoadedWorkflow Workflow { get; private set; } = null!;

    public SessionState State { get; private set; } = null!;

    public IReadOnlyList<ConsentEvent> RecentEvents { get; private set; } = [];

    /// <summary>The patient link, only right after it was made (start or reissue).</summary>
    public string? NewLink { get; private set; }

    public string? QrDataUri { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public string? Problem { get; private set; }

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

    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? new JsonResult(new { status = State.Status.ToString(), seq = State.LastSeq }) : NotFound();

    public Task<IActionResult> OnPostAnswerAsync(string questionId, string? answer, CancellationToken ct) =>
        ActAsync(() => SessionsApi.AnswerQuestionAsync(Id, questionId, new SessionsApi.AnswerInput(answer), User, HttpContext, db, writer, ct),
            "Your answer was sent to the patient.", ct);

    public Task<IActionResult> OnPostDiscussionAsync(string? note, CancellationToken ct) =>
        ActAsync(() => SessionsApi.RecordDiscussionAsync(Id, new SessionsApi.DiscussionInput(note), User, HttpContext, db, writer, ct),
            "The discussion was recorded. The patient can now sign.", ct);

    public Task<IActionResult> OnPostCountersignAsync(string? password, bool statementAccepted, CancellationToken ct) =>
        ActAsync(() => SessionsApi.CountersignAsync(Id, new SessionsApi.CountersignInput(password, statementAccepted), User, HttpContext, db, writer, users, signIn, ct),
            "You countersigned. The consent is complete; the signed record is being issued.", ct);

    public Task<IActionResult> OnPostVoidAsync(string? reason, CancellationToken ct) =>
        ActAsync(() => SessionsApi.VoidAsync(Id, new SessionsApi.ReasonInput(reason), User, HttpContext, db, writer, ct),
            "The session was voided. The patient link no longer works.", ct);

    public Task<IActionResult> OnPostWithdrawAsync(string? reason, CancellationToken ct) =>
        ActAsync(() => SessionsApi.WithdrawAsync(Id, new SessionsApi.ReasonInput(reason), User, HttpContext, db, writer, ct),
            "The withdrawal was recorded. A withdrawal record is being issued.", ct);

    public async Task<IActionResult> OnPostReissueAsync(CancellationToken ct)
    {
        var outcome = ApiOutcome.From(await SessionsApi.ReissueLinkAsync(Id, User, HttpContext, db, writer, links, mail, clock, ct));
        if (outcome.Succeeded && outcome.Value is JsonObject body && body["patientUrl"]?.GetValue<string>() is { } url)
        {
            TempData[NewLinkKey(Id)] = url;
            Notice = "A new link was made. The old link no longer works.";
            return Redirect($"/clinician/sessions/{Id}");
        }

        return await ShowProblemAsync(outcome, ct);
    }

    private async Task<IActionResult> ActAsync(Func<Task<IResult>> action, string done, CancellationToken ct)
    {
        var outcome = ApiOutcome.From(await action());
        if (!outcome.Succeeded)
        {
            return await ShowProblemAsync(outcome, ct);
        }

        Notice = done;
        return Redirect($"/clinician/sessions/{Id}");
    }

    private async Task<IActionResult> ShowProblemAsync(ApiOutcome outcome, CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        Problem = outcome.Message;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id, ct);
        if (session is null || !StaffAccess.CanAct(User, session))
        {
            return false;
        }

        Session = session;
        Workflow = writer.Workflow(session);
        State = await writer.StateAsync(Workflow, session, ct);
        RecentEvents = await db.Events.AsNoTracking().Where(e => e.SessionId == Id).OrderByDescending(e => e.Seq).Take(12).ToListAsync(ct);
        return true;
    }

    /// <summary>The countersign statement in the session's language (the one recorded and hashed).</summary>
    public string AttestationRecorded => Workflow.Definition.Steps.OfType<CountersignStep>().First().Statement.For(Session.Language);

    /// <summary>The same statement in English, when the session is in another language.</summary>
    public string? AttestationEnglish =>
        Session.Language == "en" ? null : Workflow.Definition.Steps.OfType<CountersignStep>().First().Statement.For("en");

    public bool IsActive => State.Status is SessionStatus.Invited or SessionStatus.InProgress or SessionStatus.AwaitingCountersign;
}
