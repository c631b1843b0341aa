using System.Text.Json.Nodes;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Patients;
using Consent.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Consent.Web.Pages.Patient;

/// <summary>
/// The patient's current step, one per page: screening questions, a disclosure, the teach-back
/// quiz, questions for the clinician, the certification screen before signing, or a waiting state.
/// Every answer goes through <see cref="PatientActions.SubmitStepAsync"/>, exactly as
/// <c>POST /api/v1/patient/{token}/steps/{stepId}</c> does, then redirects (post/redirect/get).
/// </summary>
[EnableRateLimiting(PageRateLimits.Patient)]
public sealed class StepModel(PatientAccessService access, PatientActions actions, TimeProvider clock, Mail.PatientMail mail, IHostEnvironment environment)
    : PatientPageModel(access, actions, clock)
{
    /// <summary>What the page shows.</summary>
    public enum Phase
    {
        Step,
        Certification,
        Waiting,
        AwaitingCountersign,

        /// <summary>A stop step waits for the patient to confirm or change the answers that led to it.</summary>
        ConfirmStop,

        /// <summary>A re-consent, before the patient has done anything: what changed since they signed before.</summary>
        WhatChanged,

        /// <summary>A check-in whose patient part is done: the staff's checks are still to come.</summary>
        CheckinSent,
    }

    /// <summary>For a re-consent: what changed since the patient signed before (<see cref="WhatChanged"/>); null otherwise.</summary>
    public ChangesSinceView? Changes { get; private set; }

    /// <summary>The day the patient signed before, in their language.</summary>
    public string SignedBeforeOn => Changes is null ? "" : mail.LongDate(Changes.SignedAt, Lang);

    public Phase Showing { get; private set; }

    /// <summary>The step as the patient reads it (their language).</summary>
    public PatientStepView? View { get; private set; }

    /// <summary>The step in the session's language: the text whose hash is recorded.</summary>
    public PatientStepView? Recorded { get; private set; }

    public PatientProgressView Progress { get; private set; } = new(0, 0);

    /// <summary>The last failed quiz attempt of the current comprehension step, to show what to read again.</summary>
    public QuizAttempt? FailedAttempt { get; private set; }

    /// <summary>A message for the whole form (shown at the top, announced).</summary>
    public string? Problem { get; private set; }

    /// <summary>Messages by field, shown beside the field.</summary>
    public Dictionary<string, string> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>What the patient sent, to fill the form again after a mistake.</summary>
    public IFormCollection? Posted { get; private set; }

    public bool QuestionSent { get; private set; }

    public string Here => $"{Home}/step";

    public async Task<IActionResult> OnGetAsync(bool sent, CancellationToken ct)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        QuestionSent = sent;
        Prepare();
        if (Showing == Phase.CheckinSent && OnClinicTablet && !IsPreview)
        {
            // The patient's part is done on the clinic's tablet: their access ends on it before it goes back to staff.
            PatientTicketCookie.Remove(HttpContext, environment);
        }

        return Page();
    }

    /// <summary>A small JSON answer the waiting pages poll: reload when the session has moved on.</summary>
    public async Task<IActionResult> OnGetStatusAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || !HasAccess)
        {
            return new JsonResult(new { status = "unknown", seq = -1 }) { StatusCode = StatusCodes.Status403Forbidden };
        }

        return new JsonResult(new { status = State.Status.ToString(), seq = State.LastSeq });
    }

    public Task<IActionResult> OnPostAnswersAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, step =>
        {
            var answers = new JsonObject();
            foreach (var question in ((QuestionsStep)step).Questions)
            {
                var raw = Request.Form["a_" + question.Id].ToString().Trim();
                JsonNode? value = question.Kind switch
                {
                    QuestionKind.YesNo => raw switch { "yes" => JsonValue.Create(true), "no" => JsonValue.Create(false), _ => null },
                    QuestionKind.SingleChoice or QuestionKind.ShortText => raw.Length > 0 ? JsonValue.Create(raw) : null,
                };
                if (value is null)
                {
                    if (question.Required)
                    {
                        Errors["a_" + question.Id] = T.AnswerEvery;
                    }

                    continue;
                }

                if (question.Kind == QuestionKind.ShortText && TextInput.HasHiddenCharacters(raw))
                {
                    Errors["a_" + question.Id] = T.TextNotAllowed;
                }

                answers[question.Id] = value;
            }

            return new JsonObject { ["answers"] = answers };
        }, ct);

    public Task<IActionResult> OnPostAcknowledgeAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, step =>
        {
            var disclosure = (DisclosureStep)step;
            var body = new JsonObject { ["contentHash"] = Request.Form["contentHash"].ToString() };
            if (disclosure.Acknowledge == AcknowledgeMethod.Initials)
            {
                var initials = Request.Form["initials"].ToString().Trim();
                if (initials.Length == 0 || initials.Length > 10 || !initials.Any(char.IsLetter)
                    || !initials.All(c => char.IsLetter(c) || c is '.' or '-' or ' ' or '\''))
                {
                    Errors["initials"] = T.InitialsNeeded;
                }

                body["acknowledged"] = true;
                body["initials"] = initials;
            }
            else if (Request.Form["acknowledged"] == "true")
            {
                body["acknowledged"] = true;
            }
            else
            {
                Errors["acknowledged"] = T.TickToContinue;
            }

            return body;
        }, ct);

    public Task<IActionResult> OnPostQuizAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, step =>
        {
            var answers = new JsonObject();
            foreach (var question in ((ComprehensionStep)step).Questions)
            {
                var raw = Request.Form["q_" + question.Id].ToString();
                if (raw.Length == 0)
                {
                    Errors["q_" + question.Id] = T.ChooseEvery;
                    continue;
                }

                answers[question.Id] = raw;
            }

            return new JsonObject { ["answers"] = answers };
        }, ct);

    public Task<IActionResult> OnPostAskAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, _ =>
        {
            var question = Request.Form["question"].ToString();
            if (string.IsNullOrWhiteSpace(question))
            {
                Errors["question"] = T.QuestionEmpty;
            }
            else if (TextInput.HasHiddenCharacters(question, multiline: true))
            {
                Errors["question"] = T.TextNotAllowed;
            }

            return new JsonObject { ["question"] = question };
        }, ct, sentQuestion: true);

    /// <summary>At a stop step: "Yes, that is right" ends the session; "No, change my answer" reopens the answers.</summary>
    public Task<IActionResult> OnPostStopAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, _ =>
        {
            var choice = Request.Form["choice"].ToString();
            if (choice is not ("confirm" or "change"))
            {
                Errors["choice"] = T.ChooseEvery;
            }

            return new JsonObject { [choice == "change" ? "change" : "confirm"] = true };
        }, ct);

    /// <summary>A check-in's affirmation: "Yes, I still agree" or "No, I do not agree today" (two buttons, so it takes one tap).</summary>
    public Task<IActionResult> OnPostAffirmAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, _ =>
        {
            var choice = Request.Form["choice"].ToString();
            if (choice is not ("agree" or "disagree"))
            {
                Errors["choice"] = T.ChooseEvery;
            }

            return new JsonObject { ["agrees"] = choice == "agree" };
        }, ct);

    public Task<IActionResult> OnPostAskDoneAsync(string stepId, string? idempotencyKey, CancellationToken ct) =>
        SubmitAsync(stepId, idempotencyKey, _ => new JsonObject { ["done"] = true }, ct);

    /// <summary>
    /// Only in a reviewer's preview: the clinician's part done at once (questions answered, holds
    /// discussed, the countersignature given), so the reviewer sees the pages that follow.
    /// </summary>
    public async Task<IActionResult> OnPostPreviewClinicianAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Preview is not { } preview || MustGoHome)
        {
            return Redirect(Home);
        }

        var acted = Access.Previews.ActAsClinician(Session.Id, preview.Reviewer,
            "(Preview) The clinician's answer to this question appears here.", "(Preview) The clinician talked with the patient.");
        return Redirect(acted is Outcome<SessionState>.Ok { Value: var state } && SessionLifecycle.IsEnded(state.Status) ? Home : Here);
    }

    private async Task<IActionResult> SubmitAsync(
        string stepId, string? idempotencyKey, Func<StepDefinition, JsonObject> read, CancellationToken ct, bool sentQuestion = false)
    {
        if (!await LoadAsync(ct) || MustGoHome)
        {
            return Redirect(Home);
        }

        // A form for a step that is no longer current (a second tab, the browser's back button): show where things are now.
        if (Workflow.Definition.FindStep(stepId) is not { } step || (State.CurrentStep?.Id != stepId))
        {
            return Redirect(Here);
        }

        Posted = Request.Form;
        var body = read(step);
        if (Errors.Count > 0)
        {
            Problem = T.FixBelow;
            Prepare();
            return Page();
        }

        // What cannot be read into a command (StepSubmissions) is refused as invalid, like the interpreter's refusals.
        var write = await Actions.SubmitStepAsync(PatientWrite(idempotencyKey), stepId, body, null, ct);
        switch (write)
        {
            case Outcome<SessionWrite>.Ok { Value: SessionWrite.Applied applied } when SessionLifecycle.IsEnded(applied.State.Status):
                return Redirect(Home);
            case Outcome<SessionWrite>.Refused { Refusal.Kind: RefusedAs.Gone or RefusedAs.Locked or RefusedAs.NotFound }:
                return Redirect(Home);
            case Outcome<SessionWrite>.Refused { Refusal.Kind: RefusedAs.Invalid }:
                Problem = T.SomethingWrong;
                Prepare();
                return Page();
            default:
                return Redirect(sentQuestion ? Here + "?sent=true" : Here);
        }
    }

    private void Prepare()
    {
        var view = PatientView.Render(Workflow, State, Lang, SignedBefore);
        View = view.Step;
        Recorded = PatientView.Render(Workflow, State, Session.Language).Step;
        Progress = Shown(view.Progress);
        Showing = State.Status == SessionStatus.AwaitingCountersign ? Phase.AwaitingCountersign
            : View is null && IsCheckin ? Phase.CheckinSent
            : View is null ? Phase.Waiting
            : View.Type == "signature" && View.WaitingFor is not null ? Phase.Waiting
            : View.Type == "signature" ? Phase.Certification
            : View.Type == "stop" ? Phase.ConfirmStop
            : view.Changes is not null && !Request.Query.ContainsKey("read") && NothingDoneYet() ? Phase.WhatChanged
            : Phase.Step;
        Changes = view.Changes;
        if (State.CurrentStep is ComprehensionStep quiz
            && State.QuizAttempts.TryGetValue(quiz.Id, out var attempts) && attempts.LastOrDefault() is { Passed: false } last)
        {
            FailedAttempt = last;
        }

        ViewData["Return"] = "step";
    }

    /// <summary>True until the patient has done anything beyond proving who they are: then a re-consent shows what changed first.</summary>
    private bool NothingDoneYet() => State.CompletedSteps.All(id => Workflow.Definition.FindStep(id) is IdentityStep);

    /// <summary>
    /// The value sent for a field after a mistake, for filling the form again; before anything is sent,
    /// a screening answer already given (the patient came back from a stop step to change it).
    /// </summary>
    public string PostedValue(string field)
    {
        if (Posted is not null)
        {
            return Posted[field].ToString();
        }

        // A quiz tried again keeps the answers that were right; only the missed ones are asked afresh.
        if (field.StartsWith("q_", StringComparison.Ordinal) && FailedAttempt is { } failed && State.CurrentStep is ComprehensionStep quiz
            && quiz.Questions.FirstOrDefault(q => q.Id == field[2..]) is { } question && failed.Answers.GetValueOrDefault(question.Id) == question.Answer)
        {
            return question.Answer;
        }

        return field.StartsWith("a_", StringComparison.Ordinal) && State.Answers.TryGetValue(field[2..], out var answer)
            ? answer.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.True => "yes",
                System.Text.Json.JsonValueKind.False => "no",
                System.Text.Json.JsonValueKind.String => answer.GetValue<string>(),
                _ => "",
            }
            : "";
    }

    /// <summary>Why the patient waits, in their words: each open hold's reason (the workflow's own text), and unanswered questions.</summary>
    public IReadOnlyList<string> WaitingReasons =>
    [
        .. State.OpenHolds.Select(h => h.Kind == HoldKind.Comprehension ? T.QuizHoldReason : MarkdownHtml.Plain(Text(h.Reason))).Where(r => r.Length > 0).Distinct(),
        .. State.UnansweredQuestions.Any() ? [T.QuestionSent] : Array.Empty<string>(),
    ];

    /// <summary>True when the quiz was missed on its last try: a clinician goes over it before signing, and the patient is told so.</summary>
    public bool QuizHeld => State.OpenHolds.Any(h => h.Kind == HoldKind.Comprehension);

    /// <summary>Every problem at the top of the page, each linked to its field (the shared error summary).</summary>
    public ErrorSummary Summary => ErrorSummary.ForPatient(T, Problem, Errors.Select(e => new ErrorSummary.Item(
        View?.Questions?.FirstOrDefault(q => q.Id == e.Key[Math.Min(2, e.Key.Length)..] && (e.Key.StartsWith("a_", StringComparison.Ordinal) || e.Key.StartsWith("q_", StringComparison.Ordinal))) is { } question
            ? $"{question.Text} — {e.Value}" : e.Value,
        FieldId(e.Key))));

    /// <summary>The input an error links to: the first choice of a question answered with choices, else the field itself.</summary>
    private string? FieldId(string key) =>
        key == "choice" ? null
        : (key.StartsWith("a_", StringComparison.Ordinal) || key.StartsWith("q_", StringComparison.Ordinal))
            && View?.Questions?.FirstOrDefault(q => q.Id == key[2..]) is { Kind: not "short-text" } ? key + "-0"
        : key;

    /// <summary>The disclosure step to reread for a missed quiz question.</summary>
    public DisclosureStep? ReviewStep(string stepId) => Workflow.Definition.FindStep(stepId) as DisclosureStep;

    /// <summary>Where "Back" goes: the last step done, reread without changing anything.</summary>
    public string? BackHref => DoneSteps.Count > 0 ? $"{Home}/review/{DoneSteps[^1].Id}" : null;
}
