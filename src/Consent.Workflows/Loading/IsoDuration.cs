using System.Globalization;
using System.Text.RegularExpressions;

namespace Consent.Workflows.Loading;

/// <summary>ISO 8601 durations made of weeks, days, hours, minutes and seconds (P7D, PT48H, P1W).</summary>
internal static partial class IsoDuration
{
    public static TimeSpan Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a duration of weeks, days, hours, minutes or seconds");
        }
        double Part(string name) => match.Groups[name].Success ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return TimeSpan.FromDays(Part("w") * 7 + Part("d")) + TimeSpan.FromHours(Part("h"))
            + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
    }

    [GeneratedRegex("^P(?!$)(?:(?<w>[0-9]+)W)?(?:(?<d>[0-9]+)D)?(?:T(?=[0-9])(?:(?<h>[0-9]+)H)?(?:(?<m>[0-9]+)M)?(?:(?<s>[0-9]+)S)?)?$")]
    private static partial Regex Pattern();
}
