namespace Consent.Workflows;

/// <summary>A problem in a workflow definition, located by file (relative to the repository root), line and step.</summary>
public sealed record WorkflowError(string File, int Line, string? StepId, string Message)
{
    /// <inheritdoc/>
    public override string ToString() =>
        StepId is null ? $"{File}:{Line}: {Message}" : $"{File}:{Line}: step '{StepId}': {Message}";
}
