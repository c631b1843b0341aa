using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consent.Web.Sessions;

/// <summary>
/// Reads a request body as one JSON object, strictly and up front: size and depth limited, valid
/// UTF-8 in every string, no repeated member names. <see cref="JsonObject"/> alone parses lazily,
/// so bad input would otherwise surface later as an exception instead of a 400.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 512 * 1024;
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, CommentHandling = JsonCommentHandling.Disallow };

    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "Send the body as application/json.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return (null, $"The body is larger than {MaxBytes / 1024} KB.");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body must be a JSON object.");
            }

            Check(document.RootElement);
            return (JsonObject.Create(document.RootElement.Clone()), null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, "The body is not valid JSON (check quotes, brackets, repeated names and the text encoding).");
        }
    }

    /// <summary>Touches every string (which validates its UTF-8) and rejects repeated member names.</summary>
    private static void Check(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!names.Add(property.Name))
                    {
                        throw new JsonException($"Repeated member '{property.Name}'.");
                    }

                    Check(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Check(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            default:
                break;
        }
    }
}
