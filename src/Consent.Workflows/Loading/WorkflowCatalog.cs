using System.Collections.Immutable;
using Consent.Workflows.Loading;

namespace Consent.Workflows;

/// <summary>Every workflow version in a repository's <c>workflows/</c> folder, validated.</summary>
public sealed class WorkflowCatalog
{
    private WorkflowCatalog(ImmutableArray<LoadedWorkflow> workflows) => Workflows = workflows;

    /// <summary>All loaded versions, ordered by id then version.</summary>
    public ImmutableArray<LoadedWorkflow> Workflows { get; }

    /// <summary>The given version, or null.</summary>
    public LoadedWorkflow? Find(string id, int version) =>
        Workflows.FirstOrDefault(w => w.Definition.Id == id && w.Definition.Version == version);

    /// <summary>The highest version of a workflow, or null.</summary>
    public LoadedWorkflow? Latest(string id) =>
        Workflows.Where(w => w.Definition.Id == id).MaxBy(w => w.Definition.Version);

    /// <summary>
    /// Loads <c>workflows/&lt;id&gt;/v&lt;N&gt;.yaml</c> under <paramref name="repositoryRoot"/> with their templates.
    /// The catalog is null when any file has an error; every error is listed.
    /// </summary>
    public static WorkflowCatalogLoad Load(string repositoryRoot)
    {
        var folder = Path.Combine(repositoryRoot, "workflows");
        if (!Directory.Exists(folder))
        {
            return new WorkflowCatalogLoad(null, [new WorkflowError("workflows", 0, null, "the repository has no workflows/ folder")]);
        }
        var loaded = new List<LoadedWorkflow>();
        var errors = new List<WorkflowError>();
        foreach (var directory in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            foreach (var path in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(repositoryRoot, path).Replace(Path.DirectorySeparatorChar, '/');
                if (!WorkflowLoader.IsDefinitionPath(relative))
                {
                    errors.Add(new WorkflowError(relative, 0, null, "only v<N>.yaml files belong in a workflow folder"));
                    continue;
                }
                var workflow = WorkflowLoader.Load(repositoryRoot, relative, out var fileErrors);
                errors.AddRange(fileErrors);
                if (workflow is not null)
                {
                    loaded.Add(workflow);
                }
            }
        }
        errors.AddRange(RequiresChecks(loaded, [.. Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>()]));
        return errors.Count > 0
            ? new WorkflowCatalogLoad(null, [.. errors])
            : new WorkflowCatalogLoad(new WorkflowCatalog([.. loaded.OrderBy(w => w.Definition.Id, StringComparer.Ordinal).ThenBy(w => w.Definition.Version)]), []);
    }

    /// <summary>
    /// The newest version of every consent workflow opens with key information (a <c>key-information</c> step), a
    /// publishing rule that <c>validate-workflows</c> applies to a clinic's repository. Older versions stay as they
    /// were approved and signed (their hashes are in signed records), and the service still loads a workflow without
    /// one, so a clinic can publish its new version before the rule stops its release.
    /// </summary>
    public IEnumerable<WorkflowError> NewestVersionsWithoutKeyInformation() =>
        Workflows.Where(w => w.Definition.Kind == WorkflowKind.Consent)
            .GroupBy(w => w.Definition.Id, StringComparer.Ordinal)
            .Select(g => g.MaxBy(w => w.Definition.Version)!)
            .Where(w => !w.Definition.Steps.Any(s => s is DisclosureStep { KeyInformation: true }))
            .Select(w => new WorkflowError(w.SourcePath, 0, null,
                $"the newest version of a consent workflow opens with key information: add a key-information step before the first disclosure (version {w.Definition.Version} has none)"));

    /// <summary>
    /// A check-in's <c>requires</c> must name a consent workflow in the catalog (any version will do: the
    /// consent's status is computed over all of its versions). A required workflow whose folder exists but
    /// whose files have errors is not reported again here: its own errors say what is wrong.
    /// </summary>
    private static IEnumerable<WorkflowError> RequiresChecks(IReadOnlyList<LoadedWorkflow> loaded, HashSet<string> folders)
    {
        foreach (var workflow in loaded)
        {
            if (workflow.Definition.Requires is not { } required)
            {
                continue;
            }
            var target = loaded.FirstOrDefault(w => w.Definition.Id == required);
            var problem = target is null && !folders.Contains(required) ? $"requires '{required}', which is not a workflow in workflows/"
                : target is null ? null
                : target.Definition.Kind != WorkflowKind.Consent ? $"requires '{required}', which is a {WorkflowKindNames.Of(target.Definition.Kind)} workflow, not a consent"
                : null;
            if (problem is not null)
            {
                yield return new WorkflowError(workflow.SourcePath, workflow.RequiresLine, null, problem);
            }
        }
    }
}

/// <summary>The result of loading a catalog: the catalog when every file is valid, else every error found.</summary>
public sealed record WorkflowCatalogLoad(WorkflowCatalog? Catalog, ImmutableArray<WorkflowError> Errors)
{
    /// <summary>True when every definition loaded without error.</summary>
    public bool Succeeded => Catalog is not null && Errors.IsEmpty;
}

/// <summary>Validates a repository's definitions for CI and the <c>validate-workflows</c> command.</summary>
public static class WorkflowValidator
{
    /// <summary>Every problem in <c>workflows/</c> and the templates they use; empty when all is well.</summary>
    public static IReadOnlyList<WorkflowError> ValidateRepository(string repositoryRoot) =>
        WorkflowCatalog.Load(repositoryRoot).Errors;
}
