using Consent.Web.Hosting;
using Consent.Workflows;

namespace Consent.Web.WorkflowVersions;

/// <summary>The workflow versions this node loaded from <c>workflows/</c> at start-up, validated and hashed.</summary>
public sealed class WorkflowRegistry
{
    public WorkflowRegistry(IConfiguration configuration)
    {
        RepositoryRoot = Path.GetFullPath(configuration["CONSENT_REPOSITORY_ROOT"] is { Length: > 0 } root ? root : Directory.GetCurrentDirectory());
        var load = WorkflowCatalog.Load(RepositoryRoot);
        if (!load.Succeeded)
        {
            throw new StartupProblemException(
                "The workflow definitions are not valid; the service will not start with them:\n  "
                + string.Join("\n  ", load.Errors.Select(e => e.ToString())));
        }

        Catalog = load.Catalog!;
    }

    public string RepositoryRoot { get; }

    public WorkflowCatalog Catalog { get; }

    public LoadedWorkflow? Find(string id, int version) => Catalog.Find(id, version);

    /// <summary>The workflow version a session runs on; every session's version is loaded, or the node would not have started.</summary>
    public LoadedWorkflow For(Data.Entities.ConsentSession session) =>
        Find(session.WorkflowId, session.WorkflowVersion)
        ?? throw new InvalidOperationException($"Workflow {session.WorkflowId} v{session.WorkflowVersion} is not loaded.");
}

