using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>A validated definition with its hash, where it came from and which template files it used.</summary>
/// <param name="Hash">Lower-case hex SHA-256 of the canonical definition and its template bytes (docs/workflow-format.md).</param>
/// <param name="SourcePath">The YAML file relative to the repository root, with '/' separators.</param>
/// <param name="TemplateFiles">Template files used, relative to the repository root, sorted.</param>
public sealed record LoadedWorkflow(WorkflowDefinition Definition, string Hash, string SourcePath, ImmutableArray<string> TemplateFiles)
{
    /// <summary>The line of <c>requires</c> in the file, for the catalog's errors about it (1 when absent).</summary>
    internal int RequiresLine { get; init; } = 1;
}
