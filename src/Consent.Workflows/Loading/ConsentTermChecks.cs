using System.Text.Json.Nodes;

namespace Consent.Workflows.Loading;

/// <summary>
/// The consent's terms at the top level: <c>validity</c> and <c>notice</c>, <c>reconsent</c> and
/// <c>changes</c>. The schema checks their shapes and that <c>notice</c> comes with <c>validity</c>
/// and <c>changes</c> with <c>reconsent: required</c>; these are the checks of meaning.
/// </summary>
internal sealed partial class DefinitionBuilder
{
    private (CalendarPeriod? Validity, CalendarPeriod? Notice) Validity(JsonObject root)
    {
        var validity = Period(root, "validity");
        var notice = Period(root, "notice");
        if (validity is not null && notice is not null && notice.LongestDays >= validity.ShortestDays)
        {
            Error("/notice", $"notice {notice} must be shorter than validity {validity} whatever the date of signing "
                + $"(at most {notice.LongestDays} days against at least {validity.ShortestDays})");
        }
        return (validity, notice);
    }

    private CalendarPeriod? Period(JsonObject root, string field)
    {
        if (root[field] is not { } node)
        {
            return null;
        }
        var period = IsoDuration.ParsePeriod(node.GetValue<string>());
        if (period.ShortestDays == 0)
        {
            Error("/" + field, $"{field} {period} must be longer than zero");
        }
        return period;
    }

    private (ReconsentRule Rule, LocalizedText? Changes) Reconsent(JsonObject root, long version)
    {
        var rule = ReconsentRule.NotRequired;
        if (root["reconsent"] is { } node)
        {
            rule = node.GetValue<string>() == "required" ? ReconsentRule.Required : ReconsentRule.NotRequired;
            if (version < 2)
            {
                Error("/reconsent", "reconsent is only for version 2 or later: it says whether patients who signed an earlier version must sign again");
            }
        }
        var changes = root["changes"] is { } text ? Text("/changes", text) : null;
        return (rule, changes);
    }
}
