using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>The usual answer to an accepted session write: the main event's payload, the status and what comes next.</summary>
public static class StepAnswers
{
    public static JsonObject For(ConsentSession session, SessionState state, IReadOnlyList<ConsentEvent> events)
    {
        var body = events.Count > 0 && JsonNode.Parse(events[0].Payload) is JsonObject payload ? payload : [];
        body["sessionStatus"] = state.Status.ToString();
        body["recorded"] = new JsonArray([.. events.Select(e => (JsonNode)JsonValue.Create(e.Type)!)]);
        body["nextStep"] = state.CurrentStep is { } next ? new JsonObject { ["id"] = next.Id, ["type"] = StepTypeNames.Of(next.Type) } : null;
        body["progress"] = new JsonObject { ["index"] = state.Progress.Index, ["total"] = state.Progress.Total };
        return body;
    }
}
