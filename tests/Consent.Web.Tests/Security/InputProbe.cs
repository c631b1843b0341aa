using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Security;

/// <summary>Sends one hostile value and checks the answer: a 400 problem naming the field, and nothing written.</summary>
public static class InputProbe
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, JsonObject body) =>
        client.PostAsync(path, Json(body.ToJsonString()));

    /// <summary>The response is a 400 validation problem whose errors name <paramref name="field"/>; returns the message.</summary>
    public static async Task<string> AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]?.AsObject();
        Assert.True(errors?[field] is JsonArray { Count: > 0 }, $"no error for '{field}': {text}");
        return errors![field]![0]!.GetValue<string>();
    }

    /// <summary>Rows in tables a refused request must not touch: sessions, events, outbox jobs, staff, reviews, approvals.</summary>
    public static async Task<string> SnapshotAsync(ConsentWebFactory factory)
    {
        await using var db = await factory.OpenDatabaseAsync();
        await using var query = new NpgsqlCommand("""
            SELECT concat_ws(',', (SELECT count(*) FROM consent_sessions), (SELECT count(*) FROM consent_events),
                (SELECT count(*) FROM outbox_jobs), (SELECT count(*) FROM "AspNetUsers"), (SELECT count(*) FROM workflow_reviews),
                (SELECT string_agg(approval, '' ORDER BY workflow_id, version) FROM workflow_versions),
                (SELECT string_agg(status, '' ORDER BY id) FROM consent_sessions))
            """, db);
        return (string)(await query.ExecuteScalarAsync())!;
    }
}
