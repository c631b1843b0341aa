using System.Collections.Immutable;

namespace Consent.Workflows;

/// <summary>A validated definition with its hash, where it came from and which template files it used.</summary>
/// <param name="Hash">Lower-case hex SHA-256 of the canonical definition and its template bytes (docs/workflow-format.md).</param>
/// <param name="SourcePath">The YAML file relative to the repository root, with '/' separators.</param>
/// <param name="TemplateFiles">Template files used, relative to the repository root, sorted.</param>
public sealed record LoadedWorkflow(WorkflowDefinition Definition, string Hash, string SourcePath, ImmutableArray<string> TemplateFiles);
