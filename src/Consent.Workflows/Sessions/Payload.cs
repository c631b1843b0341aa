using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary>Reads event payload fields leniently (a missing field reads as the default).</summary>
internal static class Payload
{
    public static string? Text(JsonObject payload, string name) =>
        payload[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static int Int(JsonObject payload, string name) =>
        payload[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<int>() : 0;

    public static bool Bool(JsonObject payload, string name) =>
        payload[name] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    public static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    public static IEnumerable<string> Texts(JsonObject payload, string name) =>
        payload[name] is JsonArray array ? array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>() : [];

    /// <summary>A JSON number as a decimal, however it was made (parsed text, a whole number, a double), or null.</summary>
    public static decimal? Number(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (value.TryGetValue<decimal>(out var exact))
        {
            return exact;
        }
        if (value.TryGetValue<long>(out var whole))
        {
            return whole;
        }
        if (value.TryGetValue<int>(out var small))
        {
            return small;
        }
        return value.TryGetValue<double>(out var real) && double.IsFinite(real) && Math.Abs(real) < 1e15 ? (decimal)real : null;
    }

    public static string Iso(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);
}
