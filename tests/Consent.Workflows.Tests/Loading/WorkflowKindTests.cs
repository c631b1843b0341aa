namespace Consent.Workflows.Tests.Loading;

/// <summary>The top-level <c>kind</c> and <c>requires</c>: consent workflows and the check-ins that rely on them.</summary>
public sealed class WorkflowKindTests
{
    private const string V1 = "workflows/test-consent/v1.yaml";
    private const string After = "invitationValidFor: P7D\n";

    [Fact]
    public void WithoutKind_AWorkflowIsAConsentAndRequiresNothing()
    {
        var workflow = Repository.TestConsent.Definition;

        Assert.Equal(WorkflowKind.Consent, workflow.Kind);
        Assert.Null(workflow.Requires);
        Assert.False(workflow.IsCheckin);
    }

    [Fact]
    public void TheShippedConsentWorkflows_KeepTheHashesStoredInDatabases()
    {
        // Sessions seal these hashes (SessionCreated.workflowHash): an absent kind must not change them.
        var load = WorkflowCatalog.Load(RepositoryRoot.Path);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        var hashes = load.Catalog!.Workflows.Where(w => w.Definition.Kind == WorkflowKind.Consent)
            .ToDictionary(w => $"{w.Definition.Id}/v{w.Definition.Version}", w => w.Hash);

        Assert.True(ShippedConsentHashes.Count == hashes.Count && ShippedConsentHashes.All(h => hashes.GetValueOrDefault(h.Key) == h.Value),
            string.Join("\n", hashes.Select(h => $"{h.Key} {h.Value}")));
    }

    [Fact]
    public void WritingKindConsent_IsTheSameKindAsLeavingItOut()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "kind: consent\n");

        Assert.Empty(repository.Validate());
        Assert.Equal(WorkflowKind.Consent, WorkflowCatalog.Load(repository.Root).Catalog!.Find("test-consent", 1)!.Definition.Kind);
    }

    [Fact]
    public void AConsentWithRequires_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "requires: test-consent\n");

        var error = Assert.Single(repository.Validate());

        Assert.True((V1, 7) == (error.File, error.Line), error.ToString());
        Assert.Contains("'requires' is only for check-ins", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownKind_IsAnError()
    {
        using var repository = new ScratchRepository();
        repository.Edit(After, After + "kind: reminder\n");

        var error = Assert.Single(repository.Validate());

        Assert.Equal((V1, 7), (error.File, error.Line));
    }

    private static readonly Dictionary<string, string> ShippedConsentHashes = new(StringComparer.Ordinal)
    {
        ["esketamine-nasal-trd/v1"] = "d89cde0cfb2571df536dad279ab966c6410188515ea1527c0a2efd802c432ccc",
        ["esketamine-nasal-trd/v2"] = "dda07921f9456c8e779f2770f6e281c71a62e963f5c6969c7b56f55de8c44771",
        ["ketamine-chronic-pain/v1"] = "626019efcf7dcece6f94a0547df20e5f33fbb93234638165d85e86f4bc0b8b87",
        ["ketamine-iv-depression/v1"] = "d6b6a247e09748ed43dd19e9483a31118d6efad7e226b325147d0ad7cab5c26c",
        ["esketamine-nasal-trd/v3"] = "947aa42f77b0cfb1d2c1f0de59b819c2b2459ca28b1e40a765054d0a9c793f9c",
        ["ketamine-chronic-pain/v2"] = "14a857040b62b8a986759949d8f8ddc9b7cb12581e06280484dba4ff4d3748ef",
        ["ketamine-iv-depression/v2"] = "a1c99bcad7671a75388bdf2132e958325aa598b52ae7e93bb1a7beb8b6906af0",
    };
}
