using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>Renders what the patient sees now, in their language; the only way step content reaches the patient API.</summary>
/// <remarks>
/// Quiz answers and review targets are never rendered: they stay in the definition. Short texts
/// (titles, questions, labels) are trimmed for display; the content hash is always of the exact text.
/// </remarks>
public static class PatientView
{
    private static readonly ImmutableDictionary<string, (string Holds, string Questions, string Yes, string No)> Texts =
        new Dictionary<string, (string, string, string, string)>
        {
            ["en"] = ("A clinician needs to talk with you before you can sign.", "Please wait until the clinician has answered your questions.", "Yes", "No"),
            ["es"] = ("Un profesional clínico necesita hablar con usted antes de que pueda firmar.", "Espere a que el profesional clínico responda sus preguntas.", "Sí", "No"),
        }.ToImmutableDictionary();

    /// <summary>The current step and progress for <paramref name="state"/>; <paramref name="language"/> falls back to the session's.</summary>
    /// <param name="workflow">The version the session runs.</param>
    /// <param name="state">The session.</param>
    /// <param name="language">The language to render in.</param>
    /// <param name="signedVersion">
    /// For a re-consent (<see cref="SessionState.Supersedes"/>): the version the patient signed before, so the view says
    /// what changed since and marks each new or changed disclosure (<see cref="WhatChanged"/>).
    /// </param>
    public static PatientCurrentView Render(LoadedWorkflow workflow, SessionState state, string language, WorkflowDefinition? signedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(state);
        var lang = language is not null && workflow.Definition.Languages.Contains(language) ? language : state.Language;
        var step = SessionLifecycle.IsEnded(state.Status) ? null : state.CurrentStep;
        var stop = state.Ending?.StepId is { } stopId ? workflow.Definition.FindStep(stopId) as StopStep : null;
        // A renewal on the version the patient signed changes nothing: no "what changed" page to show.
        var changes = state.Supersedes is { } supersedes && signedVersion is not null && supersedes.Version != workflow.Definition.Version
            ? WhatChanged.Since(signedVersion, workflow.Definition, supersedes, lang) : null;
        var view = step is null ? null : Step(workflow.Definition, step, state, lang);
        if (view is not null && changes?.Disclosures.FirstOrDefault(d => d.StepId == view.Id) is { } changed)
        {
            view = view with { Mark = changed.Mark };
        }

        return new PatientCurrentView(
            state.Status.ToString(),
            view,
            new PatientProgressView(state.Progress.Index, state.Progress.Total),
            stop?.Message.For(lang),
            changes);
    }

    private static PatientStepView Step(WorkflowDefinition workflow, StepDefinition step, SessionState state, string language)
    {
        var view = new PatientStepView(step.Id, StepTypeNames.Of(step.Type), step.Title?.For(language).Trim(), null, ContentHashes.For(step, language));
        return step switch
        {
            DisclosureStep disclosure => view with
            {
                Body = disclosure.Body.For(language),
                Acknowledge = disclosure.Acknowledge == AcknowledgeMethod.Initials ? "initials" : "checkbox",
                Kind = disclosure.KeyInformation ? "key-information" : null,
            },
            QuestionsStep questions => view with
            {
                Questions = [.. questions.Questions.Select(q => new PatientQuestionView(q.Id, Question.KindName(q.Kind), q.Text.For(language).Trim(),
                    q.Kind == QuestionKind.SingleChoice ? Options(q.Options, language) : null))],
            },
            ComprehensionStep quiz => view with
            {
                Questions = [.. quiz.Questions.Select(q => new PatientQuestionView(q.Id, Question.KindName(QuestionKind.SingleChoice),
                    q.Text.For(language).Trim(), Options(q.Options, language)))],
            },
            AskStep ask => view with { Body = ask.Text.For(language) },
            SignatureStep signature => state.NextSigner is { } signer && !state.Signers.IsPatientAlone
                ? view with
                {
                    Statement = SignerStatements.For(signer, state.Signers, signature, language),
                    ContentHash = SignerStatements.HashFor(signer, state.Signers, signature, language),
                    WaitingFor = WaitingFor(state, language),
                    Signer = SignerNames.Of(signer),
                    SignerName = state.Signers.NameOf(signer),
                    AcceptsMark = signer == SignerKind.Patient && state.Signers.Witness is not null ? true : null,
                }
                : view with { Statement = signature.Statement.For(language), WaitingFor = WaitingFor(state, language), Signer = SignerNames.Patient },
            StopStep stop => view with { Body = stop.Message.For(language), Confirm = Confirm(workflow, state, stop, language) },
            AffirmationStep affirmation => view with { Statement = affirmation.Statement.For(language) },
            _ => view,
        };
    }

    private static ImmutableArray<PatientOptionView> Options(IEnumerable<ChoiceOption> options, string language) =>
        [.. options.Select(o => new PatientOptionView(o.Value, o.Label.For(language).Trim()))];

    private static (string Holds, string Questions, string Yes, string No) TextsFor(string language) =>
        Texts.GetValueOrDefault(language.Split('-')[0], Texts["en"]);

    private static List<PatientAnswerView> Confirm(WorkflowDefinition workflow, SessionState state, StopStep stop, string language)
    {
        var texts = TextsFor(language);
        return [.. StopConfirmation.Triggers(workflow, state, stop).Select(t => new PatientAnswerView(t.Question.Id, t.Question.Text.For(language).Trim(),
            t.Answer.GetValueKind() switch
            {
                System.Text.Json.JsonValueKind.True => texts.Yes,
                System.Text.Json.JsonValueKind.False => texts.No,
                _ => t.Question.Options.FirstOrDefault(o => o.Value == t.Answer.ToString())?.Label.For(language).Trim() ?? t.Answer.ToString(),
            }))];
    }

    private static string? WaitingFor(SessionState state, string language)
    {
        var texts = TextsFor(language);
        var reasons = new List<string>();
        if (state.OpenHolds.Any())
        {
            reasons.Add(texts.Holds);
        }
        if (state.UnansweredQuestions.Any())
        {
            reasons.Add(texts.Questions);
        }
        return reasons.Count == 0 ? null : string.Join(" ", reasons);
    }
}
