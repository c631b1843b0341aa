using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace Consent.Workflows;

/// <summary><see cref="EventTypes.StaffCheckRecorded"/>: the values by field id (numbers, or true/false) and who entered them.</summary>
public sealed record StaffCheckRecordedPayload(JsonObject Values, string? StaffId) : EventPayload
{
    public override string Type => EventTypes.StaffCheckRecorded;

    public override JsonObject ToJson() => new() { ["values"] = Values.DeepClone(), [PayloadKeys.StaffId] = StaffId };

    public static StaffCheckRecordedPayload From(JsonObject p) => new(p["values"] as JsonObject ?? [], Payload.Text(p, PayloadKeys.StaffId));
}

/// <summary><see cref="EventTypes.AffirmationRecorded"/>: whether the patient still agrees to the treatment today.</summary>
public sealed record AffirmationRecordedPayload(bool Agrees) : EventPayload
{
    public override string Type => EventTypes.AffirmationRecorded;

    public override JsonObject ToJson() => new() { ["agrees"] = Agrees };

    public static AffirmationRecordedPayload From(JsonObject p) => new(Payload.Bool(p, "agrees"));
}

/// <summary><see cref="EventTypes.CheckinCleared"/>: a check-in with nothing to report.</summary>
public sealed record CheckinClearedPayload : EventPayload
{
    public override string Type => EventTypes.CheckinCleared;

    public override JsonObject ToJson() => [];
}

/// <summary><see cref="EventTypes.CheckinHeld"/>: why a check-in needs a clinician.</summary>
public sealed record CheckinHeldPayload(ImmutableArray<CheckinHoldReason> Reasons) : EventPayload
{
    public override string Type => EventTypes.CheckinHeld;

    public override JsonObject ToJson() => new()
    {
        ["reasons"] = new JsonArray([.. Reasons.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["values"] = r.Values.DeepClone() })]),
    };

    public static CheckinHeldPayload From(JsonObject p) => new(p["reasons"] is JsonArray reasons
        ? [.. reasons.OfType<JsonObject>().Select(r => new CheckinHoldReason(Payload.Text(r, "id") ?? "", r["values"] as JsonObject ?? []))]
        : []);
}

/// <summary>
/// <see cref="EventTypes.CheckinReleased"/> (<c>decision: cleared</c>) and <see cref="EventTypes.CheckinNotToday"/>
/// (<c>decision: not-today</c>): a clinician's decision on a held check-in, with a note. The event type alone
/// says the status it leaves; <c>decision</c> repeats it for a reader of the log.
/// </summary>
public sealed record CheckinDecidedPayload(CheckinDecision Decision, string? Note, string? StaffId) : EventPayload
{
    public override string Type => Decision == CheckinDecision.Cleared ? EventTypes.CheckinReleased : EventTypes.CheckinNotToday;

    public override JsonObject ToJson() => new() { ["decision"] = NameOf(Decision), ["note"] = Note, [PayloadKeys.StaffId] = StaffId };

    public static CheckinDecidedPayload From(string type, JsonObject p) => new(
        type == EventTypes.CheckinReleased ? CheckinDecision.Cleared : CheckinDecision.NotToday, Payload.Text(p, "note"), Payload.Text(p, PayloadKeys.StaffId));

    /// <summary>The decision as written in the log and the API (<c>cleared</c>, <c>not-today</c>).</summary>
    public static string NameOf(CheckinDecision decision) => decision switch
    {
        CheckinDecision.Cleared => "cleared",
        CheckinDecision.NotToday => "not-today",
    };
}
