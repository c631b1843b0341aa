using System.Globalization;
using Consent.Web.Identity;
using Consent.Web.SystemEvents;

namespace Consent.Web.Api;

/// <summary>
/// <c>GET /api/v1/audit/system-events</c>: the system audit trail for auditors (21 CFR 11.10(e); 45 CFR 164.312(b),
/// 164.528) — the whole chain verified, the events filtered by time, type and actor.
/// </summary>
public static class SystemEventsApi
{
    public static void MapSystemEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit/system-events", ListAsync).WithTags("Audit").RequireAuthorization(Policies.Auditor)
            .WithDescription("Staff actions and staff reads of patient data: {verified, brokenAtSeq, problem, eventsChecked, events}; "
                + "from/to (ISO 8601, half-open), type (a dotted event type), actor (a staff id, system or anonymous), limit (1-5000, default 1000).");
    }

    internal static async Task<IResult> ListAsync(
        string? from, string? to, string? type, string? actor, string? limit, HttpContext http, SystemEventReads reads, CancellationToken ct)
    {
        // A misspelt filter (?actr=…) would otherwise answer the whole trail as if it had been applied.
        if (http.Request.Query.Keys.FirstOrDefault(k => !Parameters.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            return OutcomeResults.Invalid(unknown.Length > 40 ? unknown[..40] : unknown,
                $"This list takes only these parameters: {string.Join(", ", Parameters)}.");
        }

        if (!TryTime(from, out var start))
        {
            return OutcomeResults.Invalid("from", "from is an ISO 8601 date and time with an offset, e.g. 2026-12-01T00:00:00Z.");
        }

        if (!TryTime(to, out var end))
        {
            return OutcomeResults.Invalid("to", "to is an ISO 8601 date and time with an offset, e.g. 2026-12-02T00:00:00Z.");
        }

        if (start is not null && end is not null && start >= end)
        {
            return OutcomeResults.Invalid("to", "to must be later than from.");
        }

        if (type is not null && !SystemEventTypes.IsWellFormed(type))
        {
            return OutcomeResults.Invalid("type", "type is a dotted event type such as patient-data.read (docs/system-events.md).");
        }

        if (actor is not null && actor is not (SystemAudit.SystemActor or SystemAudit.Anonymous) && !Guid.TryParseExact(actor, "D", out _))
        {
            return OutcomeResults.Invalid("actor", "actor is a staff user id, system or anonymous.");
        }

        var count = 1000;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > SystemEventReads.MaxLimit))
        {
            return OutcomeResults.Invalid("limit", $"limit is a whole number from 1 to {SystemEventReads.MaxLimit}.");
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(await reads.ListAsync(new SystemEventFilter(start, end, type, actor?.ToLowerInvariant(), count), ct));
    }

    private static readonly string[] Parameters = ["from", "to", "type", "actor", "limit"];

    private static bool TryTime(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            value = parsed.ToUniversalTime();
            return true;
        }

        return false;
    }
}
