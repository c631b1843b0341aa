namespace Consent.Benchmarks;

/// <summary>The repository the benchmarks read workflows and templates from.</summary>
public static class RepositoryRoot
{
    /// <summary>CONSENT_REPOSITORY_ROOT, else the first folder above the working directory or this assembly that holds Consent.sln.</summary>
    public static string Path { get; } = Find();

    static string Find()
    {
        var configured = Environment.GetEnvironmentVariable("CONSENT_REPOSITORY_ROOT");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Consent.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Set CONSENT_REPOSITORY_ROOT: no Consent.sln above " + Directory.GetCurrentDirectory());
    }
}
