using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>
/// Canonical JSON: object keys sorted by ordinal, no insignificant white space, strings with
/// minimal escaping (quote, backslash and control characters only), integers as written.
/// </summary>
public static class CanonicalJson
{
    /// <summary>The canonical text of <paramref name="node"/>.</summary>
    public static string Write(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder);
        return builder.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder output)
    {
        switch (node)
        {
            case null:
                output.Append("null");
                break;
            case JsonObject obj:
                output.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        output.Append(',');
                    }
                    first = false;
                    WriteString(key, output);
                    output.Append(':');
                    Write(value, output);
                }
                output.Append('}');
                break;
            case JsonArray array:
                output.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Append(',');
                    }
                    Write(array[i], output);
                }
                output.Append(']');
                break;
            case JsonValue value:
                WriteValue(value, output);
                break;
            default:
                throw new ArgumentException($"unexpected JSON node {node.GetType().Name}", nameof(node));
        }
    }

    private static void WriteValue(JsonValue value, StringBuilder output)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(value.GetValue<string>(), output);
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Number:
                output.Append(NumberText(value));
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                output.Append("null");
                break;
            case JsonValueKind.Object or JsonValueKind.Array:
                throw new ArgumentException("a JSON value cannot be an object or array", nameof(value));
        }
    }

    private static string NumberText(JsonValue value)
    {
        if (value.TryGetValue<long>(out var integer))
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }
        if (value.TryGetValue<int>(out var small))
        {
            return small.ToString(CultureInfo.InvariantCulture);
        }
        if (value.TryGetValue<double>(out var real))
        {
            return real.ToString("R", CultureInfo.InvariantCulture);
        }
        // A number parsed from JSON text keeps its text.
        return value.ToJsonString();
    }

    private static void WriteString(string text, StringBuilder output)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case < ' ': output.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: output.Append(c); break;
            }
        }
        output.Append('"');
    }
}
