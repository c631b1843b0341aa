using System.Text.Json;

namespace Consent.Workflows;

/// <summary>Which steps apply, which one is current, and how far the patient is.</summary>
internal static class SessionProgressRules
{
    /// <summary>Recomputes <see cref="SessionState.CurrentStep"/> and <see cref="SessionState.Progress"/> from the rest of the state.</summary>
    public static SessionState Derive(WorkflowDefinition workflow, SessionState state)
    {
        var variables = Variables(workflow, state);
        var patientSteps = workflow.Steps
            .Where(s => s.IsPatientStep && (state.IsCompleted(s.Id) || Applies(s, variables)))
            .ToList();
        var done = patientSteps.Count(s => state.IsCompleted(s.Id));
        var current = state.Status is SessionStatus.Invited or SessionStatus.InProgress ? NextStep(workflow, state, variables) : null;
        return state with { CurrentStep = current, Progress = new SessionProgress(done, patientSteps.Count) };
    }

    /// <summary>The first step not done whose condition holds (the countersign step excluded), or null.</summary>
    public static StepDefinition? NextStep(WorkflowDefinition workflow, SessionState state) =>
        NextStep(workflow, state, Variables(workflow, state));

    /// <summary>True when the step's condition holds for the answers so far.</summary>
    public static bool Applies(StepDefinition step, IReadOnlyDictionary<string, object> variables) =>
        step.When is null || step.When.Evaluate(variables);

    /// <summary>
    /// Condition variables: every screening question, answered or not, and every staff-check field.
    /// Unanswered yes-no questions read as false and other unanswered questions as the empty string;
    /// staff values not yet entered read as false or 0 (a check-in's holds are only judged once every
    /// staff check is entered).
    /// </summary>
    public static Dictionary<string, object> Variables(WorkflowDefinition workflow, SessionState state)
    {
        var variables = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var question in workflow.ScreeningQuestions)
        {
            state.Answers.TryGetValue(question.Id, out var answer);
            variables[question.Id] = question.Kind == QuestionKind.YesNo
                ? answer?.GetValueKind() == JsonValueKind.True
                : answer?.GetValueKind() == JsonValueKind.String ? answer.GetValue<string>() : "";
        }
        foreach (var check in workflow.Steps.OfType<StaffCheckStep>())
        {
            var values = state.StaffChecks.GetValueOrDefault(check.Id)?.Values;
            foreach (var field in check.Fields)
            {
                var value = values?[field.Id];
                variables[field.Id] = field.Kind == StaffFieldKind.Number
                    ? Payload.Number(value) ?? 0m
                    : value?.GetValueKind() == JsonValueKind.True;
            }
        }
        return variables;
    }

    /// <remarks>
    /// In a check-in only the patient's steps are ever current: staff checks are entered apart from them, and
    /// the holds (discussion steps) are judged at the end (<see cref="CheckinEnding"/>).
    /// </remarks>
    private static StepDefinition? NextStep(WorkflowDefinition workflow, SessionState state, IReadOnlyDictionary<string, object> variables) =>
        workflow.Steps.FirstOrDefault(s => s is not CountersignStep && (!workflow.IsCheckin || s.IsPatientStep)
            && !state.IsCompleted(s.Id) && Applies(s, variables));
}
