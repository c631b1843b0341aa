namespace Consent.Workflows;

/// <summary>What a workflow is for (<c>kind:</c> in YAML; absent means <see cref="Consent"/>).</summary>
public enum WorkflowKind
{
    /// <summary>An informed consent for a course of treatment, signed and countersigned (<c>kind: consent</c>, the default).</summary>
    Consent,

    /// <summary>
    /// A dose-day check-in (<c>kind: checkin</c>): a few questions, one affirmation and the staff's checks,
    /// ending <see cref="SessionStatus.Cleared"/> or <see cref="SessionStatus.Held"/>. It names the consent
    /// workflow it relies on in <see cref="WorkflowDefinition.Requires"/>.
    /// </summary>
    Checkin,
}

/// <summary>Names of workflow kinds as written in workflow files.</summary>
public static class WorkflowKindNames
{
    /// <summary>The YAML name of a kind (<c>consent</c>, <c>checkin</c>).</summary>
    public static string Of(WorkflowKind kind) => kind switch
    {
        WorkflowKind.Consent => "consent",
        WorkflowKind.Checkin => "checkin",
    };
}
