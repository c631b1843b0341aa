namespace Consent.Workflows.Tests.Loading;

/// <summary>
/// Issue 16: a <c>key-information</c> step (45 CFR 46.116(a)(5)(i)) is one disclosure-like summary, first among the
/// disclosures, for every patient, at grade 6 or below; <c>validate-workflows</c> wants one in the newest version of
/// every consent workflow.
/// </summary>
public sealed class KeyInformationTests
{
    private const string Identity = "  - { id: identity, type: identity, maxAttempts: 3 }\n";
    private const string KeyStep = "  - { id: key, type: key-information, content: summary }\n";

    private const string Plain = "# The short version\n\nThis is a test. It is short. You can say no. You can stop at any time.\n";
    private const string PlainEs = "# Lo más importante\n\nEsto es una prueba. Es corta. Puede decir que no. Puede parar cuando quiera.\n";

    private const string Hard = "# The short version\n\nIntravenous administration of subanesthetic ketamine concentrations necessitates "
        + "comprehensive cardiovascular monitoring, considering documented hemodynamic perturbations, particularly hypertension, "
        + "alongside dissociative phenomenology characteristically accompanying administration.\n";

    [Fact]
    public void AKeyInformationStep_LoadsAsTheFirstDisclosure_AndSatisfiesTheNewestVersionRule()
    {
        using var repository = WithSummary(Plain, PlainEs);
        Assert.Single(Catalog(repository).NewestVersionsWithoutKeyInformation());

        repository.Edit(Identity, Identity + KeyStep);

        Assert.Empty(repository.Validate());
        var catalog = Catalog(repository);
        var key = Assert.IsType<DisclosureStep>(catalog.Find("test-consent", 1)!.Definition.Steps[1]);
        Assert.True(key.KeyInformation);
        Assert.Equal(StepType.Disclosure, key.Type);
        Assert.Equal("The short version", key.Title!.For("en"));
        Assert.Equal(AcknowledgeMethod.Checkbox, key.Acknowledge);
        Assert.Empty(catalog.NewestVersionsWithoutKeyInformation());
    }

    [Fact]
    public void KeyInformationAfterAnotherDisclosure_OrTwice_OrConditional_IsRefused()
    {
        using (var repository = WithSummary(Plain, PlainEs))
        {
            repository.Edit("  - { id: driving,", KeyStep + "  - { id: driving,");
            Assert.Contains(repository.Validate(), e => e.StepId == "key" && e.Message.Contains("comes before every other disclosure", StringComparison.Ordinal));
        }

        using (var repository = WithSummary(Plain, PlainEs))
        {
            repository.Edit(Identity, Identity + KeyStep + KeyStep.Replace("id: key,", "id: key-again,", StringComparison.Ordinal));
            Assert.Contains(repository.Validate(), e => e.StepId == "key-again" && e.Message.Contains("one key-information step", StringComparison.Ordinal));
        }

        using (var repository = WithSummary(Plain, PlainEs))
        {
            repository.Edit(Identity, Identity + KeyStep.Replace("content: summary", "content: summary, when: \"pregnant\"", StringComparison.Ordinal));
            Assert.NotEmpty(repository.Validate());
        }
    }

    [Fact]
    public void KeyInformationHarderThanGradeSix_IsRefused_NamingTheScoreAndFile()
    {
        using var repository = WithSummary(Hard, PlainEs);
        repository.Edit(Identity, Identity + KeyStep);

        var error = Assert.Single(repository.Validate());
        Assert.Equal("key", error.StepId);
        Assert.Contains("templates/key-information/en/summary.md reads at flesch-kincaid-grade", error.Message, StringComparison.Ordinal);
        Assert.Contains("grade 6 or below", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryShippedConsentWorkflow_OpensWithKeyInformation_AtGradeSixOrBelow()
    {
        var catalog = WorkflowCatalog.Load(RepositoryRoot.Path).Catalog!;

        Assert.Empty(catalog.NewestVersionsWithoutKeyInformation());
        foreach (var id in catalog.Workflows.Where(w => w.Definition.Kind == WorkflowKind.Consent).Select(w => w.Definition.Id).Distinct())
        {
            var newest = catalog.Latest(id)!.Definition;
            var steps = newest.Steps.ToList();
            var key = steps.FindIndex(s => s is DisclosureStep { KeyInformation: true });
            Assert.True(key >= 0 && key < steps.FindIndex(s => s is DisclosureStep { KeyInformation: false }), id);
            var body = ((DisclosureStep)steps[key]).Body;
            Assert.InRange(ReadingLevel.FleschKincaidGrade(body.For("en")), 0, 6);
            Assert.InRange(ReadingLevel.FernandezHuerta(body.For("es")), 70, 120);
        }
    }

    private static ScratchRepository WithSummary(string english, string spanish)
    {
        var repository = new ScratchRepository();
        foreach (var (language, text) in new[] { ("en", english), ("es", spanish) })
        {
            Directory.CreateDirectory(repository.PathOf($"templates/key-information/{language}"));
            File.WriteAllText(repository.PathOf($"templates/key-information/{language}/summary.md"), text);
        }

        return repository;
    }

    private static WorkflowCatalog Catalog(ScratchRepository repository)
    {
        var load = WorkflowCatalog.Load(repository.Root);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!;
    }
}
