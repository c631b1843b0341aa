using System.Globalization;
using System.Text.RegularExpressions;

namespace Consent.Workflows.Loading;

/// <summary>
/// ISO 8601 durations: <see cref="Parse"/> takes weeks, days, hours, minutes and seconds (P7D, PT48H,
/// P1W) as an exact <see cref="TimeSpan"/>; <see cref="ParsePeriod"/> takes years, months, weeks and
/// days (P12M, P1Y, P30D) as a <see cref="CalendarPeriod"/>, since a month has no fixed length.
/// </summary>
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

    /// <summary>Reads <c>P[nY][nM][nW][nD]</c>, each n of one to three digits (the schema's pattern for validity and notice).</summary>
    public static CalendarPeriod ParsePeriod(string text)
    {
        var match = PeriodPattern().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a duration of years, months, weeks or days");
        }
        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return new CalendarPeriod(Part("y") * 12 + Part("mo"), Part("w") * 7 + Part("d"), text);
    }

    [GeneratedRegex("^P(?!$)(?:(?<w>[0-9]+)W)?(?:(?<d>[0-9]+)D)?(?:T(?=[0-9])(?:(?<h>[0-9]+)H)?(?:(?<m>[0-9]+)M)?(?:(?<s>[0-9]+)S)?)?$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^P(?!$)(?:(?<y>[0-9]{1,3})Y)?(?:(?<mo>[0-9]{1,3})M)?(?:(?<w>[0-9]{1,3})W)?(?:(?<d>[0-9]{1,3})D)?$")]
    private static partial Regex PeriodPattern();
}
