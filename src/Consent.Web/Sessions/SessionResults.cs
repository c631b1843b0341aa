using System.Text.Json.Nodes;
using Consent.Workflows;

namespace Consent.Web.Sessions;

/// <summary>Turns a session write into an HTTP answer: the body, or an RFC 9457 problem.</summary>
public static class SessionResults
{
    public static IResult ToHttp(SessionWrite write) => write switch
    {
        SessionWrite.Applied applied => TypedResults.Json(applied.Body),
        SessionWrite.Replayed replayed => TypedResults.Content(replayed.Body, "application/json", statusCode: replayed.StatusCode),
        SessionWrite.NotFound => NotFound(),
        SessionWrite.KeyReused => TypedResults.Problem(
            title: "Idempotency-Key reused",
            detail: "This Idempotency-Key was already used for a different request. Send a new key for a new submission.",
            statusCode: StatusCodes.Status422UnprocessableEntity),
        SessionWrite.Refused refused => Refusal(refused.Kind, refused.Reason),
        _ => throw new InvalidOperationException("Unknown session write."),
    };

    public static IResult Refusal(RefusalKind kind, string reason) => kind switch
    {
        RefusalKind.NotFound => TypedResults.Problem(title: "Not found", detail: reason, statusCode: StatusCodes.Status404NotFound),
        RefusalKind.Conflict => TypedResults.Problem(title: "Not possible now", detail: reason, statusCode: StatusCodes.Status409Conflict),
        RefusalKind.Invalid => TypedResults.Problem(title: "Invalid submission", detail: reason, statusCode: StatusCodes.Status400BadRequest),
        RefusalKind.Gone => TypedResults.Problem(title: "Link expired", detail: reason, statusCode: StatusCodes.Status410Gone),
        RefusalKind.Locked => TypedResults.Problem(title: "Link locked", detail: reason, statusCode: StatusCodes.Status423Locked),
    };

    public static IResult NotFound() => TypedResults.Problem(
        title: "Not found", detail: "There is no such session, or you may not see it.", statusCode: StatusCodes.Status404NotFound);

    public static IResult Invalid(string detail) =>
        TypedResults.Problem(title: "Invalid request", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The usual answer to an accepted step: the main event's payload, the status and what comes next.</summary>
    public static JsonObject StepAnswer(SessionState state, IReadOnlyList<Data.Entities.ConsentEvent> events)
    {
        var body = events.Count > 0 && JsonNode.Parse(events[0].Payload) is JsonObject payload ? payload : [];
        body["sessionStatus"] = state.Status.ToString();
        body["recorded"] = new JsonArray([.. events.Select(e => (JsonNode)JsonValue.Create(e.Type)!)]);
        body["nextStep"] = state.CurrentStep is { } next ? new JsonObject { ["id"] = next.Id, ["type"] = StepTypeNames.Of(next.Type) } : null;
        body["progress"] = new JsonObject { ["index"] = state.Progress.Index, ["total"] = state.Progress.Total };
        return body;
    }
}
