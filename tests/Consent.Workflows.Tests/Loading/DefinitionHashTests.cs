namespace Consent.Workflows.Tests.Loading;

public sealed class DefinitionHashTests
{
    [Fact]
    public void Hash_IsLowerCaseHexSha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", Repository.TestConsent.Hash);
    }

    [Fact]
    public void ReformattedYaml_KeepsTheHash()
    {
        using var repository = new ScratchRepository();
        var before = Load(repository).Hash;
        repository.Edit("{ id: identity, type: identity, maxAttempts: 3 }", "{ maxAttempts: 3,   type: identity, id: 'identity' }   # reordered");
        repository.Edit("title: { en: Test consent, es: Consentimiento de prueba }", "title:\n  es: \"Consentimiento de prueba\"\n  en: Test consent");
        repository.Definition = "# a new comment\n\n" + repository.Definition.Replace("\n", "\n\n", StringComparison.Ordinal);

        Assert.Equal(before, Load(repository).Hash);
    }

    [Fact]
    public void ChangingOneTemplateByte_ChangesTheHash()
    {
        using var repository = new ScratchRepository();
        var before = Load(repository).Hash;
        var path = repository.PathOf("templates/disclosures/es/driving.md");
        var bytes = File.ReadAllBytes(path);
        bytes[^2] ^= 1;
        File.WriteAllBytes(path, bytes);

        Assert.NotEqual(before, Load(repository).Hash);
    }

    [Fact]
    public void ChangingTheMeaning_ChangesTheHash()
    {
        using var repository = new ScratchRepository();
        var before = Load(repository).Hash;
        repository.Edit("maxAttempts: 3", "maxAttempts: 4");

        Assert.NotEqual(before, Load(repository).Hash);
    }

    [Fact]
    public void TemplateFilesUsed_AreListedSortedAndRelative()
    {
        var files = Repository.TestConsent.TemplateFiles;

        Assert.Contains("templates/disclosures/en/driving.md", files);
        Assert.Contains("templates/statements/es/how-to-withdraw.md", files);
        Assert.Equal(files.Order(StringComparer.Ordinal), files);
        Assert.Equal("workflows/test-consent/v1.yaml", Repository.TestConsent.SourcePath);
    }

    [Fact]
    public void CanonicalJson_SortsKeysByOrdinalWithoutWhiteSpace()
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse("""{ "b": [1, true, null], "a": "x\"y é", "B": {"z": 1, "Z": 2} }""");

        Assert.Equal("""{"B":{"Z":2,"z":1},"a":"x\"y é","b":[1,true,null]}""", CanonicalJson.Write(node));
    }

    private static LoadedWorkflow Load(ScratchRepository repository)
    {
        var load = WorkflowCatalog.Load(repository.Root);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!.Workflows.Single();
    }
}
