namespace Consent.Workflows.Tests.Loading;

public sealed class RepositoryWorkflowsTests
{
    [Fact]
    public void TheRepositoryWorkflows_AreValid()
    {
        if (!Directory.Exists(Path.Combine(Repository.Root, "workflows")))
        {
            return;
        }

        var errors = WorkflowValidator.ValidateRepository(Repository.Root);

        Assert.True(errors.Count == 0, "workflows/ has errors:\n" + string.Join("\n", errors));
    }

    [Fact]
    public void TheShippedSchema_IsTheOneTheLoaderEnforces()
    {
        using var embedded = typeof(WorkflowCatalog).Assembly.GetManifestResourceStream("Consent.Workflows.schema.json")!;
        using var reader = new StreamReader(embedded);

        Assert.Equal(File.ReadAllText(Path.Combine(Repository.Root, "workflows", "schema.json")), reader.ReadToEnd());
    }
}
