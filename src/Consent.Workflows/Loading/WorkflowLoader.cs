using System.Text;
using System.Text.RegularExpressions;

namespace Consent.Workflows.Loading;

/// <summary>Loads one <c>workflows/&lt;id&gt;/v&lt;N&gt;.yaml</c> file: YAML, schema, meaning, templates, hash.</summary>
internal static partial class WorkflowLoader
{
    public const int MaxFileBytes = 256 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True for paths shaped like <c>workflows/&lt;id&gt;/v&lt;N&gt;.yaml</c>.</summary>
    public static bool IsDefinitionPath(string relativePath) => PathPattern().IsMatch(relativePath);

    public static LoadedWorkflow? Load(string repositoryRoot, string relativePath, out IReadOnlyList<WorkflowError> errors)
    {
        var match = PathPattern().Match(relativePath);
        if (!match.Success || !int.TryParse(match.Groups["version"].Value, out var fileVersion))
        {
            errors = [new WorkflowError(relativePath, 1, null, "a definition must be workflows/<id>/v<N>.yaml")];
            return null;
        }
        var full = Path.Combine(repositoryRoot, relativePath);
        var info = new FileInfo(full);
        var workflowsRoot = FileSystemPaths.RealPath(Path.Combine(repositoryRoot, "workflows"));
        if (info.LinkTarget is not null || !FileSystemPaths.RealPath(full).StartsWith(workflowsRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            errors = [new WorkflowError(relativePath, 1, null, "a definition must be a regular file inside workflows/, not a symbolic link")];
            return null;
        }
        if (info.Length > MaxFileBytes)
        {
            errors = [new WorkflowError(relativePath, 1, null, $"the file is larger than {MaxFileBytes / 1024} KiB")];
            return null;
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(File.ReadAllBytes(full));
        }
        catch (DecoderFallbackException)
        {
            errors = [new WorkflowError(relativePath, 1, null, "the file is not valid UTF-8")];
            return null;
        }
        return Load(repositoryRoot, relativePath, text, match.Groups["id"].Value, fileVersion, out errors);
    }

    private static LoadedWorkflow? Load(string root, string file, string text, string folderId, int fileVersion, out IReadOnlyList<WorkflowError> errors)
    {
        var tree = YamlTreeReader.Read(text, out var yamlError);
        if (yamlError is not null)
        {
            errors = [new WorkflowError(file, yamlError.Line, null, yamlError.Message)];
            return null;
        }
        var schemaProblems = SchemaCheck.Check(tree.Root);
        if (schemaProblems.Count > 0)
        {
            errors = [.. schemaProblems.Select(p => new WorkflowError(file, tree.LineOf(p.Pointer), StepIdAt(tree, p.Pointer), p.Message))];
            return null;
        }
        var templates = new TemplateFiles(root);
        var definition = DefinitionBuilder.Build(tree, file, templates, folderId, fileVersion, out errors);
        if (definition is null)
        {
            return null;
        }
        var hash = DefinitionHash.Compute(tree.Root, templates.Used);
        return new LoadedWorkflow(definition, hash, file, templates.UsedPaths) { RequiresLine = tree.LineOf("/requires") };
    }

    private static string? StepIdAt(YamlTree tree, string pointer)
    {
        var match = StepPointer().Match(pointer);
        return match.Success && int.TryParse(match.Groups[1].Value, out var index)
            && tree.Root["steps"] is System.Text.Json.Nodes.JsonArray steps && index < steps.Count
            && steps[index]?["id"] is System.Text.Json.Nodes.JsonValue id && id.TryGetValue<string>(out var text)
            ? text
            : null;
    }

    [GeneratedRegex("^workflows/(?<id>[^/]+)/v(?<version>[1-9][0-9]{0,8})\\.yaml$")]
    private static partial Regex PathPattern();

    [GeneratedRegex("^/steps/([0-9]+)")]
    private static partial Regex StepPointer();
}
