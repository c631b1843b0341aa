using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Web.Hosting;

namespace Consent.Web.Sessions;

/// <summary>
/// Reads a request body as one JSON object, strictly and up front: size limited, and checked by
/// <see cref="JsonRules"/> (content type, depth, valid UTF-8 in every string, no repeated member names)
/// like every other JSON body. <see cref="JsonObject"/> alone parses lazily, so bad input would
/// otherwise surface later as an exception instead of a 400.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 512 * 1024;
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = JsonRules.MaxDepth, CommentHandling = JsonCommentHandling.Disallow };

    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (!JsonRules.IsJsonContentType(request.ContentType))
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

        if (JsonRules.Check(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } problem)
        {
            return (null, problem.Message);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), Options);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (JsonObject.Create(document.RootElement.Clone()), null)
                : (null, "The body must be a JSON object.");
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON (check quotes, brackets, repeated names and the text encoding).");
        }
    }
}
