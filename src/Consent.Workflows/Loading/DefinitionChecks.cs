namespace Consent.Workflows.Loading;

/// <summary>Checks of meaning the schema cannot express: order, uniqueness, conditions, reviews, and each kind's steps.</summary>
internal sealed partial class DefinitionBuilder
{
    private void CheckStructure(List<StepDefinition> steps, WorkflowKind kind)
    {
        var stepIds = new HashSet<string>(StringComparer.Ordinal);
        var questionIds = new HashSet<string>(StringComparer.Ordinal);
        var answersSoFar = new Dictionary<string, ConditionValueKind>(StringComparer.Ordinal);
        var valuesSoFar = new Dictionary<string, ConditionValueKind>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var pointer = $"/steps/{i}";
            if (!stepIds.Add(step.Id))
            {
                Error(pointer + "/id", $"step id '{step.Id}' is used by an earlier step");
            }
            if (step.When is { } when)
            {
                // In a check-in only the holds (discussion steps) wait for the staff's values: the patient's
                // steps may come before the staff checks are entered.
                foreach (var problem in when.Validate(kind == WorkflowKind.Checkin && step is DiscussionStep ? valuesSoFar : answersSoFar))
                {
                    Error(pointer + "/when", problem);
                }
            }
            CheckPlacement(steps, i, pointer);
            CheckKind(step, kind, pointer);
            switch (step)
            {
                case QuestionsStep questions:
                    for (var q = 0; q < questions.Questions.Length; q++)
                    {
                        CheckQuestionId(questionIds, questions.Questions[q].Id, $"{pointer}/questions/{q}/id");
                    }
                    foreach (var question in questions.Questions)
                    {
                        answersSoFar[question.Id] = valuesSoFar[question.Id] =
                            question.Kind == QuestionKind.YesNo ? ConditionValueKind.YesNo : ConditionValueKind.Text;
                    }
                    break;
                case StaffCheckStep check:
                    for (var f = 0; f < check.Fields.Length; f++)
                    {
                        var field = check.Fields[f];
                        CheckQuestionId(questionIds, field.Id, $"{pointer}/fields/{f}/id");
                        valuesSoFar[field.Id] = field.Kind == StaffFieldKind.Number ? ConditionValueKind.Number : ConditionValueKind.YesNo;
                    }
                    break;
                case ComprehensionStep quiz:
                    CheckQuiz(steps, i, quiz, pointer, questionIds);
                    break;
                default:
                    break;
            }
        }
        if (kind == WorkflowKind.Checkin)
        {
            CheckCheckin(steps);
        }
        else
        {
            CheckCounts(steps);
        }
        CheckKeyInformation(steps, kind);
    }

    /// <summary>
    /// Key information (45 CFR 46.116(a)(5)(i)): at most one, in a consent only, for every patient (never conditional),
    /// before any other disclosure, the quiz, questions to the clinician and the signature, and at grade 6 or below in
    /// each language that has a readability scale here (<see cref="ReadingLevel"/>).
    /// </summary>
    private void CheckKeyInformation(List<StepDefinition> steps, WorkflowKind kind)
    {
        var first = -1;
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i] is not DisclosureStep { KeyInformation: true } key)
            {
                continue;
            }
            var pointer = $"/steps/{i}";
            if (kind != WorkflowKind.Consent)
            {
                Error(pointer + "/type", "key information belongs in a consent workflow, not in a check-in");
            }
            if (first >= 0)
            {
                Error(pointer, $"a workflow has one key-information step (the first is /steps/{first})");
                continue;
            }
            first = i;
            if (key.When is not null)
            {
                Error(pointer + "/when", "a key-information step cannot be conditional: every patient reads it first");
            }
            var earlier = steps.FindIndex(0, i, s => s is DisclosureStep or ComprehensionStep or AskStep or SignatureStep);
            if (earlier >= 0)
            {
                Error(pointer, $"key information comes before every other disclosure, the quiz and the signature (/steps/{earlier} is a {StepTypeNames.Of(steps[earlier].Type)} step before it)");
            }
            foreach (var (language, body) in key.Body.Texts)
            {
                var score = ReadingLevel.For(language, body);
                if (score is not null && KeyInformationReading.Target(score) is { Met: false, Description: var target })
                {
                    Error(pointer + "/content", $"templates/key-information/{language}/{key.ContentName}.md reads at {score.Scale} {score.Value}: "
                        + $"key information must read at {target}; use shorter sentences and words");
                }
            }
        }
    }

    /// <summary>Step types that belong to one kind of workflow only.</summary>
    private void CheckKind(StepDefinition step, WorkflowKind kind, string pointer)
    {
        var type = StepTypeNames.Of(step.Type);
        if (kind == WorkflowKind.Consent && step is StaffCheckStep or AffirmationStep)
        {
            Error(pointer + "/type", $"a {type} step belongs in a check-in (kind: checkin), not in a consent");
        }
        if (kind == WorkflowKind.Checkin && step is SignatureStep or CountersignStep or AskStep or ComprehensionStep or StopStep)
        {
            Error(pointer + "/type", $"a check-in has no {type} step: the patient's affirmation and the identity check are what it records, "
                + "and anything that needs a clinician is a hold (a discussion step)");
        }
    }

    /// <summary>A check-in has exactly one affirmation, after every question and disclosure: the patient affirms having seen them.</summary>
    private void CheckCheckin(List<StepDefinition> steps)
    {
        var affirmations = steps.Count(s => s is AffirmationStep);
        var at = steps.FindIndex(s => s is AffirmationStep);
        if (affirmations != 1)
        {
            Error(affirmations == 0 ? $"/steps/{steps.Count - 1}" : $"/steps/{steps.FindLastIndex(s => s is AffirmationStep)}",
                $"a check-in has exactly one affirmation step (found {affirmations})");
            return;
        }
        var later = steps.FindIndex(at + 1, s => s is QuestionsStep or DisclosureStep);
        if (later >= 0)
        {
            Error($"/steps/{later}", "the affirmation step comes after every questions and disclosure step: the patient affirms having read them");
        }
    }

    private void CheckQuiz(List<StepDefinition> steps, int index, ComprehensionStep quiz, string pointer, HashSet<string> questionIds)
    {
        if (quiz.PassMark > quiz.Questions.Length)
        {
            Error(pointer + "/passMark", $"passMark {quiz.PassMark} is more than the {quiz.Questions.Length} questions");
        }
        for (var q = 0; q < quiz.Questions.Length; q++)
        {
            var question = quiz.Questions[q];
            CheckQuestionId(questionIds, question.Id, $"{pointer}/questions/{q}/id");
            if (question.Review is { } review && !steps.Take(index).Any(s => s.Id == review && s is DisclosureStep))
            {
                Error($"{pointer}/questions/{q}/review", $"review '{review}' must name an earlier disclosure step");
            }
        }
    }

    private void CheckQuestionId(HashSet<string> questionIds, string id, string pointer)
    {
        if (!questionIds.Add(id))
        {
            Error(pointer, $"question id '{id}' is used by an earlier question (question ids are unique in a workflow)");
        }
    }

    private void CheckPlacement(List<StepDefinition> steps, int index, string pointer)
    {
        var step = steps[index];
        if (index == 0 && step is not IdentityStep)
        {
            Error(pointer, "the first step must be the identity step");
        }
        if (index > 0 && step is IdentityStep)
        {
            Error(pointer, "the identity step must be the first step, and there is only one");
        }
        if (step is CountersignStep && index != steps.Count - 1)
        {
            Error(pointer, "the countersign step must be the last step");
        }
        if (step is SignatureStep && steps.Skip(index + 1).Any(s => s is not CountersignStep))
        {
            Error(pointer, "only the countersign step may follow the signature step");
        }
        if (step.When is not null && step is IdentityStep or SignatureStep or CountersignStep or AffirmationStep or StaffCheckStep)
        {
            Error(pointer + "/when", $"a {StepTypeNames.Of(step.Type)} step cannot be conditional: every session needs it");
        }
    }

    /// <summary>
    /// Refuses links whose target is not https: or mailto: (<see cref="TemplateLinks"/>), naming the
    /// template file and its line, or the definition's line for a text written inline.
    /// </summary>
    private void CheckLinks(string pointer, string? templateFile, string markdown)
    {
        foreach (var (line, target) in TemplateLinks.Refused(markdown))
        {
            var shown = target.Length > 60 ? target[..60] + "…" : target;
            var message = $"the link to '{shown}' is not allowed: links may only go to https: or mailto: addresses";
            if (templateFile is null)
            {
                Error(pointer, message);
            }
            else
            {
                Error(templateFile, line, pointer, message);
            }
        }
    }

    private void CheckCounts(List<StepDefinition> steps)
    {
        var last = $"/steps/{steps.Count - 1}";
        var signatures = steps.Count(s => s is SignatureStep);
        if (signatures != 1)
        {
            Error(signatures == 0 ? last : $"/steps/{steps.FindLastIndex(s => s is SignatureStep)}",
                $"a workflow has exactly one signature step (found {signatures})");
        }
        var countersigns = steps.Count(s => s is CountersignStep);
        if (countersigns != 1)
        {
            Error(countersigns == 0 ? last : $"/steps/{steps.FindLastIndex(s => s is CountersignStep)}",
                $"a workflow has exactly one countersign step, the last (found {countersigns})");
        }
    }
}
