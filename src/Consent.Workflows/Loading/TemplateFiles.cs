using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;

namespace Consent.Workflows.Loading;

/// <summary>Reads template files for one definition, keeping them inside <c>templates/</c> and remembering the bytes used.</summary>
/// <remarks>
/// A template reference comes from a file anyone with commit access can edit, so it is treated as
/// untrusted: only <c>[a-z0-9-/]</c>, no empty segments (so no <c>..</c> and no absolute paths), and
/// the real path after following symbolic links must still be inside the real <c>templates/</c>.
/// </remarks>
internal sealed partial class TemplateFiles(string repositoryRoot)
{
    public const int MaxTemplateBytes = 256 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly SortedDictionary<string, byte[]> used = new(StringComparer.Ordinal);

    /// <summary>Every template file read so far: path relative to the root (with <c>/</c>) to its exact bytes.</summary>
    public IReadOnlyDictionary<string, byte[]> Used => used;

    public ImmutableArray<string> UsedPaths => [.. used.Keys];

    /// <summary>True when <paramref name="name"/> is a safe relative template name (<c>a/b-c</c>).</summary>
    public static bool IsSafeName(string name) => SafeName().IsMatch(name);

    /// <summary>Reads <c>templates/&lt;folder&gt;/&lt;lang&gt;/&lt;name&gt;.md</c> for a reference <c>templates/&lt;folder&gt;/&lt;name&gt;</c>.</summary>
    public string? ReadReference(string reference, string language, out string? error)
    {
        if (!reference.StartsWith("templates/", StringComparison.Ordinal) || !IsSafeName(reference["templates/".Length..]))
        {
            error = $"'{reference}' is not a template reference (templates/<folder>/<name>, only a-z, 0-9, '-' and '/')";
            return null;
        }
        var slash = reference.LastIndexOf('/');
        var folder = reference[..slash];
        if (folder == "templates")
        {
            error = $"'{reference}' names no folder (templates/<folder>/<name>)";
            return null;
        }
        return Read(FileOf(reference, language), out error);
    }

    /// <summary>The file a checked reference <c>templates/&lt;folder&gt;/&lt;name&gt;</c> names for one language.</summary>
    public static string FileOf(string reference, string language)
    {
        var slash = reference.LastIndexOf('/');
        return $"{reference[..slash]}/{language}/{reference[(slash + 1)..]}.md";
    }

    /// <summary>Reads a file given by its path relative to the repository root (which must start with <c>templates/</c>).</summary>
    public string? Read(string relativePath, out string? error)
    {
        error = null;
        var templatesRoot = FileSystemPaths.RealPath(Path.Combine(repositoryRoot, "templates"));
        var full = Path.GetFullPath(Path.Combine(repositoryRoot, relativePath));
        if (!File.Exists(full))
        {
            error = $"template file {relativePath} does not exist";
            return null;
        }
        var real = FileSystemPaths.RealPath(full);
        if (!real.StartsWith(templatesRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            error = $"template file {relativePath} leads outside templates/ (symbolic link?)";
            return null;
        }
        if (new FileInfo(real).Length > MaxTemplateBytes)
        {
            error = $"template file {relativePath} is larger than {MaxTemplateBytes / 1024} KiB";
            return null;
        }
        var bytes = File.ReadAllBytes(real);
        if (bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble))
        {
            error = $"template file {relativePath} starts with a byte-order mark; save it as UTF-8 without BOM";
            return null;
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            error = $"template file {relativePath} is not valid UTF-8";
            return null;
        }
        used[relativePath] = bytes;
        return text;
    }

    [GeneratedRegex("^[a-z0-9-]+(/[a-z0-9-]+)*$")]
    private static partial Regex SafeName();
}
