using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data.Entities;
using Consent.Workflows;

namespace Consent.Web.SignedRecords;

/// <summary>
/// The check-in part of a check-in record (<see cref="RecordKind.Checkin"/>), gathered from the check-in's events up to
/// the one that ended it: the affirmation, each staff check with who entered it, why it was held and the clinician's
/// signed decision (printed name, time, meaning and note together, 21 CFR 11.50(a)), and the consent it relies on.
/// </summary>
internal static class CheckinRecord
{
    public static CheckinDetails Details(
        RecordSource source, IReadOnlyList<ConsentEvent> events, SessionState state, string language, RecordLabels labels, Func<string?, string> name)
    {
        var workflow = source.Workflow.Definition;
        var end = events[^1];

        CheckinAffirmation? affirmation = null;
        if (events.LastOrDefault(e => e.Type == EventTypes.AffirmationRecorded) is { } affirmed && workflow.FindStep(affirmed.StepId) is AffirmationStep step)
        {
            affirmation = new CheckinAffirmation(step.Statement.For(language), AffirmationRecordedPayload.From(ConsentRecordBuilder.Payload(affirmed)).Agrees, affirmed.At);
        }

        var checks = new List<CheckinStaffCheck>();
        foreach (var e in events.Where(e => e.Type == EventTypes.StaffCheckRecorded))
        {
            if (workflow.FindStep(e.StepId) is not StaffCheckStep check)
            {
                continue;
            }

            var recorded = StaffCheckRecordedPayload.From(ConsentRecordBuilder.Payload(e));
            checks.Add(new CheckinStaffCheck(
                check.Title?.For(language).Trim() ?? "",
                [.. check.Fields.Where(f => recorded.Values.ContainsKey(f.Id)).Select(f => new StaffCheckValue(f.Label.For(language), Value(recorded.Values[f.Id], labels), f.Unit))],
                name(recorded.StaffId ?? e.Actor),
                e.At));
        }

        var held = events.LastOrDefault(e => e.Type == EventTypes.CheckinHeld);
        var reasons = held is null ? [] : CheckinHeldPayload.From(ConsentRecordBuilder.Payload(held)).Reasons.Select(r => Reason(r, workflow, language, labels)).ToList();
        CheckinDecisionSignature? decision = null;
        var result = CheckinResult.Cleared;
        if (end.Type is EventTypes.CheckinReleased or EventTypes.CheckinNotToday)
        {
            var decided = CheckinDecidedPayload.From(end.Type, ConsentRecordBuilder.Payload(end));
            result = decided.Decision == CheckinDecision.Cleared ? CheckinResult.ClearedAfterDiscussion : CheckinResult.NotToday;
            decision = new CheckinDecisionSignature(name(decided.StaffId ?? end.Actor), end.At,
                result == CheckinResult.NotToday ? labels.MeaningNotToday : labels.MeaningClearedAfterDiscussion, decided.Note ?? "");
        }

        return new CheckinDetails(
            state.ReliesOn is { } reliesOn && source.ReliedOnRecordSha256 is { } sha ? new ReliedOnConsent(reliesOn.SessionId, sha, reliesOn.Version, reliesOn.SignedAt) : null,
            affirmation,
            checks,
            new CheckinOutcome(result, end.At, reasons, held?.At, decision))
        {
            // The kinds of device the patient proved who they are on, from the chain's IdentityVerified events (a link made
            // for a clinic tablet records "clinic-tablet"; none means the patient's own device): 21 CFR 11.10(h).
            DeviceKind = state.VerifiedOn.Count == 0 ? null
                : string.Join(", ", state.VerifiedOn.Select(d => d == Devices.ClinicTablet ? labels.DeviceClinicTablet : labels.DeviceOwn)),
        };
    }

    private static string Value(JsonNode? value, RecordLabels labels) => value?.GetValueKind() switch
    {
        JsonValueKind.True => labels.Yes,
        JsonValueKind.False => labels.No,
        JsonValueKind.Number => value.GetValue<decimal>().ToString(CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? labels.NotRecorded,
    };

    /// <summary>A hold reason as the patient was told it (the discussion step's reason), with the values its condition read.</summary>
    private static string Reason(CheckinHoldReason reason, WorkflowDefinition workflow, string language, RecordLabels labels)
    {
        if (reason.Id == CheckinReasons.NoLongerAgrees)
        {
            return labels.NoLongerAgrees;
        }

        if (reason.Id == CheckinReasons.OpenQuestion)
        {
            return labels.OpenQuestion;
        }

        var text = workflow.FindStep(reason.Id) is DiscussionStep step ? step.Reason.For(language).Trim() : reason.Id;
        var units = workflow.Steps.OfType<StaffCheckStep>().SelectMany(s => s.Fields).ToDictionary(f => f.Id, f => f, StringComparer.Ordinal);
        // The staff's values the condition read (the patient's answers are in the answers table above).
        var values = reason.Values.Where(v => units.ContainsKey(v.Key)).Select(v => units[v.Key] is var field
            ? $"{field.Label.For(language)}: {Value(v.Value, labels)}{(field.Unit is { } unit ? " " + unit : "")}" : "").ToList();
        return values.Count == 0 ? text : $"{text} ({labels.ValuesRead}: {string.Join("; ", values)})";
    }
}
