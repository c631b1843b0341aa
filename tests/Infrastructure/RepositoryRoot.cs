namespace Consent.Testing;

/// <summary>The repository's root folder, shared by every test project and the benchmarks (linked, not copied).</summary>
internal static class RepositoryRoot
{
    /// <summary>CONSENT_REPOSITORY_ROOT when set (scripts/test.sh sets it), else the first folder above the working directory or the binaries that holds Consent.sln.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var configured = Environment.GetEnvironmentVariable("CONSENT_REPOSITORY_ROOT");
        if (!string.IsNullOrEmpty(configured))
        {
            return System.IO.Path.GetFullPath(configured);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Consent.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Set CONSENT_REPOSITORY_ROOT: no Consent.sln above " + AppContext.BaseDirectory);
    }
}
