using Consent.Web.Data.Entities;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Consent.Web.Localization;

namespace Consent.Web.Ui;

/// <summary>
/// What every patient page shares: the session behind the link token, its replayed state, whether
/// this browser holds a ticket for it, and the language the patient reads in.
/// </summary>
/// <remarks>
/// Patient pages are anonymous at the framework level (<c>AllowAnonymousToFolder("/Patient")</c>,
/// Hosting/PagesRegistration.cs) because a missing ticket must
/// lead to the date-of-birth page, not to a bare 401. The real check is
/// <see cref="PatientAccessService.Opens"/>, the same one the patient API uses: the ticket must name
/// this very session and this very link, so a ticket for one session never opens another.
/// </remarks>
public abstract class PatientPageModel(PatientAccessService access, PatientActions actions, TimeProvider clock) : PageModel
{
    public const string LanguageCookie = "consent_lang";

    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    public ConsentSession Session { get; private set; } = null!;

    public LoadedWorkflow Workflow { get; private set; } = null!;

    public SessionState State { get; private set; } = null!;

    /// <summary>For a re-consent: the version the patient signed before; null otherwise.</summary>
    public WorkflowDefinition? SignedBefore => State is null ? null : access.SignedBefore(State);

    /// <summary>The reviewer's preview these pages show, or null for a patient's session.</summary>
    public Preview? Preview { get; private set; }

    /// <summary>True on a reviewer's walk-through: nothing is recorded.</summary>
    public bool IsPreview => Preview is not null;

    /// <summary>True when this browser's ticket opens this session.</summary>
    public bool HasAccess { get; private set; }

    /// <summary>The language the patient reads in: their choice, else the session's.</summary>
    public string Lang { get; private set; } = "en";

    public PatientTexts T { get; private set; } = PatientTexts.English;

    /// <summary>A fresh key for each form on the page (see <see cref="PageIdempotency"/>).</summary>
    public string IdempotencyKey { get; } = PageIdempotency.NewKey();

    /// <summary>The languages the workflow is written in, for the language switch.</summary>
    public IReadOnlyList<string> Languages => Workflow?.Definition.Languages ?? ["en"];

    public string Home => $"/p/{Token}";

    protected PatientAccessService Access => access;

    /// <summary>What the patient does, through the same use cases as the patient API.</summary>
    protected PatientActions Actions => actions;

    protected DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>True for a dose-day check-in (<c>kind: checkin</c>) rather than a consent.</summary>
    public bool IsCheckin => Workflow.Definition.IsCheckin;

    /// <summary>True when this link was made for a clinic tablet (the patient hands it back to staff when done).</summary>
    public bool OnClinicTablet => State.LinkDevice == Devices.ClinicTablet;

    /// <summary>On a check-in's ending page: true when the consent it relies on is still in force, so the patient may withdraw it here.</summary>
    public bool CanWithdrawConsent => CheckinConsent?.Status is ConsentStatusKind.Valid or ConsentStatusKind.Expiring;

    /// <summary>On a check-in's ending page: the status now of the consent it relies on (null elsewhere).</summary>
    public WorkflowConsentStatus? CheckinConsent { get; protected set; }

    /// <summary>True when the patient reads in another language than the one the session records.</summary>
    public bool IsTranslated => Lang != Session.Language;

    /// <summary>Loads the session; false when the token names none (the caller shows "link not valid").</summary>
    protected async Task<bool> LoadAsync(CancellationToken ct)
    {
        SetLanguage(PatientTexts.English.Code);
        if (await access.OpenPreviewAsync(Token, HttpContext) is { } preview)
        {
            // A reviewer's walk-through: the same pages, decided in memory (PatientPreviews); it opens to
            // the reviewer who started it, once the preview's date of birth was given.
            Preview = preview;
            (Session, Workflow, State) = (preview.Session, preview.Workflow, preview.State);
            HasAccess = State.Identity.Verified;
            ViewData["Preview"] = preview;
        }
        else if (await access.OpenAsync(Token, ct) is { } open)
        {
            (Session, Workflow, State) = (open.Session, open.Workflow, open.State);
            HasAccess = PatientAccessService.Opens(User, Session);
        }
        else
        {
            return false;
        }

        ViewData["Token"] = Token;
        ViewData["Languages"] = Workflow.Definition.Languages.ToList();
        if (HasAccess && State.Status is SessionStatus.Invited or SessionStatus.InProgress && !IsPastExpiry)
        {
            // "Save and finish later" on every page while the patient still has something to do.
            ViewData["Later"] = $"{Home}/later";
        }

        var chosen = Request.Cookies[LanguageCookie];
        SetLanguage(chosen is not null && Workflow.Definition.Languages.Contains(chosen) ? chosen : Session.Language);
        // A representative reads the form for the patient: every page says whom "you" means (only behind the date-of-birth
        // check, which names nobody), until the patient's own assent, if asked for, is next.
        if (State.Signers.Representative is not null)
        {
            ViewData["ForRepresentative"] = true;
            if (HasAccess && State.Status is SessionStatus.Invited or SessionStatus.InProgress
                && State.Signers.Order.ElementAtOrDefault(State.Signatures.Count) != SignerKind.Patient)
            {
                ViewData["ForPatient"] = Session.PatientName;
            }
        }

        return true;
    }

    /// <summary>Where a patient without a ticket, or on an ended session, belongs: the link's front page.</summary>
    protected bool MustGoHome =>
        !HasAccess || SessionLifecycle.IsEnded(State.Status) || State.Identity.Locked || IsPastExpiry;

    /// <summary>The link ran out even if the background job has not marked the session expired yet.</summary>
    public bool IsPastExpiry =>
        State.Status is SessionStatus.Invited or SessionStatus.InProgress && Now > State.ExpiresAt;

    /// <summary>Patient steps already done (identity left out), in workflow order, for rereading.</summary>
    public IReadOnlyList<StepDefinition> DoneSteps =>
        [.. Workflow.Definition.Steps.Where(s => s.IsPatientStep && s.Type != StepType.Identity && State.IsCompleted(s.Id))];

    /// <summary>A write by this patient to this session, keyed by the form's idempotency key (see <see cref="PageIdempotency"/>).</summary>
    protected PatientRequest PatientWrite(string? idempotencyKey) =>
        new(Session.Id, null, Caller.From(HttpContext).As(Actor.Patient), body => PageIdempotency.For(HttpContext, idempotencyKey, body), IsPreview);

    /// <summary>True when the use case turned the write away as not acceptable (the page says "something went wrong").</summary>
    protected static bool IsInvalid(Outcome<SessionWrite> write) => write is Outcome<SessionWrite>.Refused { Refusal.Kind: RefusedAs.Invalid };

    /// <summary>Texts of the workflow (Markdown) in the reading language.</summary>
    public string Text(LocalizedText? text) => text?.For(Lang) ?? "";

    /// <summary>The page's one error, if any, as the shared error summary in the patient's language, linked to <paramref name="fieldId"/>.</summary>
    public ErrorSummary ErrorAt(string? message, string fieldId) =>
        ErrorSummary.ForPatient(T, null, message is null ? [] : [new ErrorSummary.Item(message, fieldId)]);

    /// <summary>
    /// The step count the patient sees counts only what they do in the form: the date-of-birth check
    /// before it is not a step, so the first screen after it is step 1.
    /// </summary>
    protected PatientProgressView Shown(PatientProgressView progress) =>
        Workflow.Definition.Steps.OfType<IdentityStep>().Any(s => State.IsCompleted(s.Id))
            ? new PatientProgressView(Math.Max(0, progress.Index - 1), Math.Max(1, progress.Total - 1))
            : progress;

    /// <summary>Remembers the language a patient chose for this link only (the cookie's path is the link's).</summary>
    public static void RememberLanguage(HttpContext http, string token, string language, IHostEnvironment environment) =>
        http.Response.Cookies.Append(LanguageCookie, language, new CookieOptions
        {
            Path = $"/p/{token}",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = !environment.IsDevelopment() || http.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(30),
        });

    private void SetLanguage(string language)
    {
        Lang = language;
        T = PatientTexts.For(language);
        ViewData["Lang"] = language;
        ViewData["PatientTexts"] = T;
    }
}
