using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Consent.Web.Hosting;

/// <summary>What is wrong with a JSON request body: the member concerned (a path such as <c>patient.name</c>), if any, and why.</summary>
public sealed record JsonBodyProblem(string? Member, string Message);

/// <summary>
/// The one rule for every JSON body the API reads: sent as <c>application/json</c> or an
/// <c>application/*+json</c> type, UTF-8, well formed, at most 32 levels deep, valid UTF-8 and UTF-16 in
/// every string, no NUL character (U+0000) in any string, and each member name once per object.
/// </summary>
/// <remarks>
/// RFC 8259 §4 only says names SHOULD be unique, and parsers disagree on which of two wins (System.Text.Json
/// binding takes the last), so a body with a repeated name could be read one way when checked and another
/// when stored. I-JSON (RFC 7493 §2.3) makes unique names a MUST; we refuse repeats, comparing names
/// ignoring case, because model binding matches them ignoring case. JSON between systems is UTF-8 (RFC 8259 §8.1),
/// so a charset parameter other than UTF-8 is refused.
/// </remarks>
public static class JsonRules
{
    public const int MaxDepth = 32;

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c>, with no charset or a UTF-8 one.</summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { HasValue: true } type)
        {
            return false;
        }

        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
                && type.Length > "application/+json".Length && type.IndexOf('*') < 0);
        var charset = HeaderUtilities.RemoveQuotes(parsed.Charset);
        return isJson && (!charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Null when <paramref name="utf8"/> is one acceptable JSON value, otherwise the first problem found.</summary>
    public static JsonBodyProblem? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var containers = new Stack<(string Path, HashSet<string>? Names)>();
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        var path = Child(containers, pendingName);
                        containers.Push((path, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null));
                        pendingName = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containers.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        // GetString also checks the name's UTF-8 and any \u escapes.
                        pendingName = reader.GetString()!;
                        if (!containers.Peek().Names!.Add(pendingName))
                        {
                            var member = Child(containers, pendingName);
                            return new JsonBodyProblem(member,
                                $"The member '{member}' appears more than once in the same object (names are compared ignoring case). Send each member once.");
                        }

                        break;
                    case JsonTokenType.String:
                        if (reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                        {
                            var member = Child(containers, pendingName);
                            return new JsonBodyProblem(member, NulCharacters.Message);
                        }

                        pendingName = null;
                        break;
                    default:
                        pendingName = null;
                        break;
                }
            }

            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new JsonBodyProblem(null, "The body is not valid JSON (check quotes, brackets, nesting deeper than 32 levels and the text encoding, which must be UTF-8).");
        }
    }

    private static string Child(Stack<(string Path, HashSet<string>? Names)> containers, string? name)
    {
        if (containers.Count == 0)
        {
            return "";
        }

        var parent = containers.Peek();
        var segment = parent.Names is null ? "[]" : name ?? "";
        return parent.Path.Length == 0 ? segment : parent.Names is null ? parent.Path + segment : $"{parent.Path}.{segment}";
    }
}
