namespace Consent.Workflows;

/// <summary>The kinds of step a workflow can contain; the names are those written in YAML.</summary>
public enum StepType
{
    Identity,
    Questions,
    Disclosure,
    Comprehension,
    Discussion,
    Ask,
    Signature,
    Countersign,
    Stop,

    /// <summary>Check-ins only: values a nurse or clinician enters (blood pressure, a ride home confirmed).</summary>
    StaffCheck,

    /// <summary>Check-ins only: the patient affirms, or not, that they still agree to the treatment today.</summary>
    Affirmation,
}

/// <summary>One step of a workflow. Each step type is a sealed record deriving from this one.</summary>
/// <param name="Id">Unique within the workflow.</param>
/// <param name="When">Condition over earlier answers; the step is skipped when it is false. Null: always.</param>
/// <param name="Title">Shown above the step; null when the step type has none.</param>
public abstract record StepDefinition(string Id, Condition? When, LocalizedText? Title)
{
    /// <summary>The step's type.</summary>
    public abstract StepType Type { get; }

    /// <summary>True for steps the patient performs in the browser (not clinician or automatic steps).</summary>
    public bool IsPatientStep => Type switch
    {
        StepType.Identity or StepType.Questions or StepType.Disclosure or StepType.Comprehension
            or StepType.Ask or StepType.Signature or StepType.Affirmation => true,
        StepType.Discussion or StepType.Countersign or StepType.Stop or StepType.StaffCheck => false,
    };
}

/// <summary>Names of step types as written in workflow files.</summary>
public static class StepTypeNames
{
    /// <summary>The YAML name of a step type (<c>identity</c>, <c>questions</c>, ...).</summary>
    public static string Of(StepType type) => type switch
    {
        StepType.Identity => "identity",
        StepType.Questions => "questions",
        StepType.Disclosure => "disclosure",
        StepType.Comprehension => "comprehension",
        StepType.Discussion => "discussion",
        StepType.Ask => "ask",
        StepType.Signature => "signature",
        StepType.Countersign => "countersign",
        StepType.Stop => "stop",
        StepType.StaffCheck => "staff-check",
        StepType.Affirmation => "affirmation",
    };
}
