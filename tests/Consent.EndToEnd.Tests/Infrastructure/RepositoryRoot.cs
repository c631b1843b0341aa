namespace Consent.EndToEnd.Tests.Infrastructure;

/// <summary>The repository's root folder: CONSENT_REPOSITORY_ROOT, else found by walking up to Consent.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Consent.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Consent.sln not found above the test binaries.");
    }
}
