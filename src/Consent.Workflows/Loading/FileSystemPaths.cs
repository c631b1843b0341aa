namespace Consent.Workflows.Loading;

/// <summary>Resolves symbolic links in a path, component by component.</summary>
internal static class FileSystemPaths
{
    private const int MaxLinks = 40;

    /// <summary>The absolute path with every symbolic link along it followed (like POSIX realpath).</summary>
    public static string RealPath(string path) => RealPath(Path.GetFullPath(path), 0);

    private static string RealPath(string fullPath, int links)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(candidate) ? new DirectoryInfo(candidate) : new FileInfo(candidate);
            if (info.Exists && info.LinkTarget is not null)
            {
                if (links >= MaxLinks)
                {
                    throw new IOException($"too many symbolic links in {fullPath}");
                }
                var target = Path.GetFullPath(info.LinkTarget, current);
                candidate = RealPath(target, links + 1);
                links++;
            }
            current = candidate;
        }
        return current;
    }
}
