using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Consent.Workflows.Loading;

/// <summary>A YAML document read as JSON, with the line each JSON pointer starts on.</summary>
internal sealed record YamlTree(JsonNode Root, IReadOnlyDictionary<string, int> Lines)
{
    /// <summary>Line of the node at <paramref name="pointer"/>, or of its nearest ancestor.</summary>
    public int LineOf(string pointer)
    {
        while (true)
        {
            if (Lines.TryGetValue(pointer, out var line))
            {
                return line;
            }
            if (pointer.Length == 0)
            {
                return 1;
            }
            pointer = pointer[..pointer.LastIndexOf('/')];
        }
    }
}

/// <summary>Reads workflow YAML strictly: one document, no anchors, aliases or tags, bounded depth and sizes.</summary>
/// <remarks>
/// Definitions are trusted less than code: anchors and aliases are refused outright (an alias bomb
/// expands a small file into gigabytes), and nesting depth and scalar length are bounded so a
/// hostile file cannot exhaust the stack or memory. Plain scalars follow the YAML 1.2 core schema
/// (so <c>yes</c> and <c>no</c> stay strings).
/// </remarks>
internal static partial class YamlTreeReader
{
    public const int MaxDepth = 32;
    public const int MaxScalarLength = 20_000;

    public static YamlTree Read(string text, out WorkflowErrorAt? error)
    {
        error = null;
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                error = new WorkflowErrorAt(1, "the file is empty");
                return Empty(lines);
            }
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, "", 1, lines);
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _))
            {
                error = new WorkflowErrorAt((int)(parser.Current?.Start.Line ?? 1), "only one YAML document per file is allowed");
                return Empty(lines);
            }
            return new YamlTree(root ?? JsonValue.Create((string?)null)!, lines);
        }
        catch (YamlRefusedException e)
        {
            error = new WorkflowErrorAt(e.Line, e.Message);
        }
        catch (YamlException e)
        {
            error = new WorkflowErrorAt((int)e.Start.Line, "YAML syntax error: " + e.Message);
        }
        return Empty(lines);
    }

    private static YamlTree Empty(Dictionary<string, int> lines) => new(new JsonObject(), lines);

    private static JsonNode? ReadNode(IParser parser, string pointer, int depth, Dictionary<string, int> lines)
    {
        var current = parser.Current ?? throw new YamlRefusedException(1, "unexpected end of file");
        var line = (int)current.Start.Line;
        if (depth > MaxDepth)
        {
            throw new YamlRefusedException(line, $"nesting deeper than {MaxDepth} levels is not allowed");
        }
        if (current is AnchorAlias)
        {
            throw new YamlRefusedException(line, "YAML aliases (*name) are not allowed");
        }
        if (current is NodeEvent { Anchor.IsEmpty: false })
        {
            throw new YamlRefusedException(line, "YAML anchors (&name) are not allowed");
        }
        if (current is NodeEvent { Tag.IsEmpty: false } tagged)
        {
            throw new YamlRefusedException(line, $"YAML tags ({tagged.Tag}) are not allowed");
        }
        lines[pointer] = line;
        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                return ScalarValue(scalar, line);
            case SequenceStart:
                parser.MoveNext();
                var array = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    array.Add(ReadNode(parser, $"{pointer}/{array.Count}", depth + 1, lines));
                }
                return array;
            case MappingStart:
                parser.MoveNext();
                var map = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var keyLine = (int)(parser.Current?.Start.Line ?? line);
                    if (parser.Current is not Scalar { Anchor.IsEmpty: true, Tag.IsEmpty: true } key)
                    {
                        throw new YamlRefusedException(keyLine, "mapping keys must be plain names");
                    }
                    parser.MoveNext();
                    if (map.ContainsKey(key.Value))
                    {
                        throw new YamlRefusedException(keyLine, $"the key '{key.Value}' appears twice");
                    }
                    var childPointer = pointer + "/" + key.Value.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
                    map[key.Value] = ReadNode(parser, childPointer, depth + 1, lines);
                    lines[childPointer] = keyLine;
                }
                return map;
            default:
                throw new YamlRefusedException(line, $"unexpected YAML element {current.GetType().Name}");
        }
    }

    private static JsonValue? ScalarValue(Scalar scalar, int line)
    {
        var value = scalar.Value;
        if (value.Length > MaxScalarLength)
        {
            throw new YamlRefusedException(line, $"a value longer than {MaxScalarLength} characters is not allowed (use a template file)");
        }
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
            default:
                break;
        }
        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(value);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private sealed class YamlRefusedException(int line, string message) : Exception(message)
    {
        public int Line { get; } = line;
    }
}

/// <summary>A problem found at a line of the file being read.</summary>
internal sealed record WorkflowErrorAt(int Line, string Message);
