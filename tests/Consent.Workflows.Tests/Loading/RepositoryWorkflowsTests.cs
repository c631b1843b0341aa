namespace Consent.Workflows.Tests.Loading;

public sealed class RepositoryWorkflowsTests
{
    [Fact]
    public void TheRepositoryWorkflows_AreValid()
    {
        if (!Directory.Exists(Path.Combine(RepositoryRoot.Path, "workflows")))
        {
            return;
        }

        var errors = WorkflowValidator.ValidateRepository(RepositoryRoot.Path);

        Assert.True(errors.Count == 0, "workflows/ has errors:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void TheShippedSchema_IsTheOneTheLoaderEnforces()
    {
        using var embedded = typeof(WorkflowCatalog).Assembly.GetManifestResourceStream("Consent.Workflows.schema.json")!;
        using var reader = new StreamReader(embedded);

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "workflows", "schema.json")), reader.ReadToEnd());
    }
}
