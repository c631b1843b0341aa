namespace Consent.Workflows.Tests.Loading;

public sealed class RepositoryWorkflowsTests
{
    [Fact]
    public void TheRepositoryWorkflows_AreValid()
    {
        // A missing folder is a failure, not a pass: the shipped workflows are what this checks.
        Assert.True(Directory.Exists(Path.Combine(RepositoryRoot.Path, "workflows")), $"no workflows/ in {RepositoryRoot.Path}");

        var errors = WorkflowValidator.ValidateRepository(RepositoryRoot.Path);

        Assert.True(errors.Count == 0, "workflows/ has errors:\n" + string.Join("\n", errors));
        var load = WorkflowCatalog.Load(RepositoryRoot.Path);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        Assert.NotEmpty(load.Catalog!.Workflows);
    }

    [Fact]
    public void TheShippedSchema_IsTheOneTheLoaderEnforces()
    {
        using var embedded = typeof(WorkflowCatalog).Assembly.GetManifestResourceStream("Consent.Workflows.schema.json")!;
        using var reader = new StreamReader(embedded);

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "workflows", "schema.json")), reader.ReadToEnd());
    }
}
