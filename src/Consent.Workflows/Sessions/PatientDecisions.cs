using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Decisions on what the patient does: identity, answers, acknowledgments, quizzes, questions.</summary>
internal sealed partial record DecisionContext
{
    public const int MaxQuestionLength = 2000;
    public const int MaxQuestions = 50;

    public Decision VerifyIdentity(VerifyIdentity c)
    {
        // After the end the patient may still open the link — to read the outcome, fetch their copy
        // or withdraw — whatever the invitation's expiry; the date-of-birth check and its lockout still apply.
        var endedWithSomethingToSee = State.Status is SessionStatus.Completed or SessionStatus.Declined
            or SessionStatus.Referred or SessionStatus.Withdrawn or SessionStatus.Cleared or SessionStatus.Held or SessionStatus.NotToday;
        if (endedWithSomethingToSee && State.Identity.Locked)
        {
            return Refuse(RefusalKind.Locked, "this link is locked after too many tries; ask the clinic to reissue it");
        }
        if (!endedWithSomethingToSee && PatientGate(requireVerified: false, allowAwaiting: true) is { } refused)
        {
            return refused;
        }
        var identity = Definition.Steps.OfType<IdentityStep>().First();
        if (c.Matches)
        {
            if (State.Status == SessionStatus.Invited && !SessionLifecycle.CanFire(State.Status, LifecycleTrigger.VerifyIdentity))
            {
                return Refuse(RefusalKind.Conflict, "the session cannot start now");
            }
            var verified = new IdentityVerifiedPayload("date-of-birth", State.LinkDevice).On(identity.Id, HashOf(identity));
            return State.Status == SessionStatus.InProgress || State.Status == SessionStatus.Invited
                ? AdvanceAfter(Decision.Accept(verified))
                : Decision.Accept(verified);
        }
        var failures = State.Identity.Failures + 1;
        var left = Math.Max(0, identity.MaxAttempts - failures);
        var failed = new IdentityCheckFailedPayload(failures, left).On(identity.Id);
        return left > 0
            ? Decision.Accept(failed)
            : Decision.Accept(failed, new LinkLockedPayload(failures).On(identity.Id));
    }

    public Decision SubmitAnswers(SubmitAnswers c) => OnCurrentStep<QuestionsStep>(c.StepId, step =>
    {
        if (c.Answers is null)
        {
            return Refuse(RefusalKind.Invalid, "no answers were sent");
        }
        var unknown = c.Answers.Keys.FirstOrDefault(id => !step.Questions.Any(q => q.Id == id));
        if (unknown is not null)
        {
            return Refuse(RefusalKind.Invalid, $"'{unknown}' is not a question of this step");
        }
        var recorded = new JsonObject();
        foreach (var question in step.Questions)
        {
            c.Answers.TryGetValue(question.Id, out var given);
            var (value, problem) = Checked(question, given);
            if (problem is not null)
            {
                return Refuse(RefusalKind.Invalid, problem);
            }
            if (value is not null)
            {
                recorded[question.Id] = value;
            }
        }
        return Decision.Accept(new AnswersRecordedPayload(recorded).On(step.Id, HashOf(step)));
    });

    private static (JsonNode? Value, string? Problem) Checked(Question question, JsonNode? given)
    {
        var kind = given?.GetValueKind() ?? JsonValueKind.Null;
        var text = kind == JsonValueKind.String ? given!.GetValue<string>().Trim() : null;
        if (kind == JsonValueKind.Null || text?.Length == 0)
        {
            return (null, question.Required ? $"please answer '{question.Id}'" : null);
        }
        switch (question.Kind)
        {
            case QuestionKind.YesNo when kind is JsonValueKind.True or JsonValueKind.False:
                return (JsonValue.Create(kind == JsonValueKind.True), null);
            case QuestionKind.YesNo:
                return (null, $"'{question.Id}' is answered yes (true) or no (false)");
            case QuestionKind.SingleChoice when text is not null && question.Options.Any(o => o.Value == text):
                return (JsonValue.Create(text), null);
            case QuestionKind.SingleChoice:
                return (null, $"'{question.Id}' must be one of: {string.Join(", ", question.Options.Select(o => o.Value))}");
            case QuestionKind.ShortText when Hidden(text, multiline: false):
                return (null, $"'{question.Id}': {HiddenCharacters}");
            case QuestionKind.ShortText when text is not null && text.Length <= Question.MaxShortTextLength:
                return (JsonValue.Create(text), null);
            case QuestionKind.ShortText:
                return (null, $"'{question.Id}' is a text of at most {Question.MaxShortTextLength} characters");
        }
        return (null, $"'{question.Id}' cannot be answered");
    }

    public Decision AcknowledgeDisclosure(AcknowledgeDisclosure c) => OnCurrentStep<DisclosureStep>(c.StepId, step =>
    {
        var hash = HashOf(step);
        if (!string.Equals(c.ContentHash, hash, StringComparison.Ordinal))
        {
            return Refuse(RefusalKind.Conflict, "the text has changed since it was shown; please read it again");
        }
        string? initials = null;
        if (step.Acknowledge == AcknowledgeMethod.Initials)
        {
            initials = Clean(c.Initials);
            if (initials is null || initials.Length > 10 || !initials.Any(char.IsLetter)
                || !initials.All(ch => char.IsLetter(ch) || ch is '.' or '-' or ' ' or '\''))
            {
                return Refuse(RefusalKind.Invalid, "please type your initials (letters only)");
            }
        }
        return Decision.Accept(new DisclosureAcknowledgedPayload(step.Acknowledge, initials).On(step.Id, hash));
    });

    public Decision SubmitQuiz(SubmitQuiz c) => OnCurrentStep<ComprehensionStep>(c.StepId, step =>
    {
        if (c.Answers is null)
        {
            return Refuse(RefusalKind.Invalid, "no answers were sent");
        }
        var unknown = c.Answers.Keys.FirstOrDefault(id => !step.Questions.Any(q => q.Id == id));
        if (unknown is not null)
        {
            return Refuse(RefusalKind.Invalid, $"'{unknown}' is not a question of this quiz");
        }
        var answers = new List<KeyValuePair<string, string>>();
        var correct = 0;
        var review = new List<string>();
        foreach (var question in step.Questions)
        {
            if (!c.Answers.TryGetValue(question.Id, out var answer) || answer is null || !question.Options.Any(o => o.Value == answer))
            {
                return Refuse(RefusalKind.Invalid, $"please choose one of the options for '{question.Id}'");
            }
            answers.Add(KeyValuePair.Create(question.Id, answer));
            if (answer == question.Answer)
            {
                correct++;
            }
            else if (question.Review is { } again && !review.Contains(again))
            {
                review.Add(again);
            }
        }
        var attempt = State.QuizAttempts.GetValueOrDefault(step.Id, []).Count + 1;
        var passed = correct >= step.PassMark;
        var left = Math.Max(0, step.MaxAttempts - attempt);
        var attempted = new ComprehensionAttemptedPayload(attempt, answers, correct, step.Questions.Length, passed, passed ? 0 : left, review)
            .On(step.Id, HashOf(step));
        if (passed || left > 0)
        {
            return Decision.Accept(attempted);
        }
        var holdId = $"comprehension:{step.Id}";
        return Decision.Accept(attempted, new HoldOpenedPayload(holdId, HoldKind.Comprehension).On(step.Id));
    });

    public Decision AskQuestion(AskQuestion c)
    {
        if (PatientGate() is { } refused)
        {
            return refused;
        }
        if (State.Status != SessionStatus.InProgress)
        {
            return Refuse(RefusalKind.Conflict, "questions can be asked while the session is in progress");
        }
        if (c.StepId is not null && Definition.FindStep(c.StepId) is null)
        {
            return Refuse(RefusalKind.NotFound, $"there is no step '{c.StepId}'");
        }
        var text = Clean(c.Text);
        if (text is null || text.Length > MaxQuestionLength)
        {
            return Refuse(RefusalKind.Invalid, $"a question is 1 to {MaxQuestionLength} characters");
        }
        if (Hidden(text))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        if (State.Questions.Count >= MaxQuestions)
        {
            return Refuse(RefusalKind.Conflict, "you have asked many questions; please talk with the clinician");
        }
        var id = $"q{State.Questions.Count + 1}";
        return Decision.Accept(new QuestionAskedPayload(id, text).On(c.StepId));
    }

    public Decision FinishAsking(FinishAsking c) => OnCurrentStep<AskStep>(c.StepId, step =>
        Decision.Accept(new AskCompletedPayload().On(step.Id, HashOf(step))));

    public Decision Decline(Decline c)
    {
        if (PatientGate(allowAwaiting: true) is { } refused)
        {
            return refused;
        }
        if (Definition.IsCheckin)
        {
            // A check-in asks for no new agreement, so there is nothing to decline: a patient who does not want a dose
            // says so at the affirmation (which holds the check-in for a clinician), and may withdraw the consent.
            return Refuse(RefusalKind.Conflict,
                "a check-in has nothing to decline: answer 'I do not agree today' at the last step, or withdraw your consent");
        }
        if (!SessionLifecycle.CanFire(State.Status, LifecycleTrigger.Decline))
        {
            return Refuse(RefusalKind.Conflict, $"a {State.Status} session cannot be declined");
        }
        var reason = Clean(c.Reason);
        if (reason?.Length > 1000)
        {
            return Refuse(RefusalKind.Invalid, "the reason is at most 1000 characters");
        }
        if (Hidden(reason))
        {
            return Refuse(RefusalKind.Invalid, HiddenCharacters);
        }
        return Decision.Accept(new DeclinedPayload(reason).On(State.CurrentStep?.Id));
    }

    /// <summary>The patient confirms the answers shown at a stop step: the stop ends the session (Referred).</summary>
    public Decision ConfirmStop(ConfirmStop c) => OnCurrentStep<StopStep>(c.StepId, stop =>
        SessionLifecycle.CanFire(State.Status, LifecycleTrigger.Refer)
            ? Decision.Accept(new StopReachedPayload(stop.Outcome, Confirmed: true).On(stop.Id, HashOf(stop)))
            : Refuse(RefusalKind.Conflict, $"a {State.Status} session cannot end here"));

    /// <summary>The patient goes back from a stop step: the questions steps with the answers that led there are reopened.</summary>
    public Decision ChangeAnswers(ChangeAnswers c) => OnCurrentStep<StopStep>(c.StepId, stop =>
    {
        var steps = StopConfirmation.StepsToReopen(Definition, State, stop);
        return steps.Count == 0
            ? Refuse(RefusalKind.Conflict, "no answer led to this step, so there is none to change")
            : Decision.Accept([.. steps.Select(step => new AnswersReopenedPayload(stop.Id).On(step.Id, HashOf(step)))]);
    });
}
