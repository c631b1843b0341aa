namespace Consent.Workflows.Tests;

/// <summary>Paths of the test fixtures, and scratch copies of the fixture repository.</summary>
internal static class Repository
{
    private static readonly Lazy<LoadedWorkflow> FixtureWorkflow = new(() =>
    {
        var load = WorkflowCatalog.Load(FixtureRoot);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!.Find("test-consent", 1)!;
    });

    /// <summary>A small repository (workflows/ + templates/) used by the tests.</summary>
    public static string FixtureRoot => Path.Combine(RepositoryRoot.Path, "tests", "Consent.Workflows.Tests", "Fixtures", "repo");

    public static string FixturePath(params string[] parts) => Path.Combine([RepositoryRoot.Path, "tests", "Consent.Workflows.Tests", "Fixtures", .. parts]);

    private static readonly Lazy<LoadedWorkflow> CheckinWorkflow = new(() =>
    {
        using var repository = new ScratchRepository();
        repository.AddCheckin();
        var load = WorkflowCatalog.Load(repository.Root);
        Assert.True(load.Succeeded, string.Join("\n", load.Errors));
        return load.Catalog!.Find("test-checkin", 1)!;
    });

    /// <summary>The fixture workflow <c>test-consent</c> v1.</summary>
    public static LoadedWorkflow TestConsent => FixtureWorkflow.Value;

    /// <summary>The fixture check-in <c>test-checkin</c> v1 (requires <c>test-consent</c>), loaded in a scratch copy.</summary>
    public static LoadedWorkflow TestCheckin => CheckinWorkflow.Value;
}

/// <summary>A scratch copy of the fixture repository, deleted on dispose.</summary>
internal sealed class ScratchRepository : IDisposable
{
    public ScratchRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "consent-workflows-" + Guid.NewGuid().ToString("N"));
        Copy(Repository.FixtureRoot, Root);
    }

    public string Root { get; }

    public string DefinitionPath => Path.Combine(Root, "workflows", "test-consent", "v1.yaml");

    public string Definition
    {
        get => File.ReadAllText(DefinitionPath);
        set => File.WriteAllText(DefinitionPath, value);
    }

    /// <summary>Replaces the first occurrence of <paramref name="old"/> in the definition.</summary>
    public void Edit(string old, string replacement)
    {
        var text = Definition;
        var at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, $"fixture text not found: {old}");
        Definition = text[..at] + replacement + text[(at + old.Length)..];
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The check-in fixture's path once <see cref="AddCheckin"/> has copied it in.</summary>
    public string CheckinPath => Path.Combine(Root, "workflows", "test-checkin", "v1.yaml");

    /// <summary>Adds the check-in fixture as <c>workflows/test-checkin/v1.yaml</c>.</summary>
    public void AddCheckin()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CheckinPath)!);
        File.Copy(Repository.FixturePath("checkin", "test-checkin-v1.yaml"), CheckinPath);
    }

    /// <summary>Replaces the first occurrence of <paramref name="old"/> in the check-in fixture.</summary>
    public void EditCheckin(string old, string replacement)
    {
        var text = File.ReadAllText(CheckinPath);
        var at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, $"fixture text not found: {old}");
        File.WriteAllText(CheckinPath, text[..at] + replacement + text[(at + old.Length)..]);
    }

    public IReadOnlyList<WorkflowError> Validate() => WorkflowValidator.ValidateRepository(Root);

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
