namespace Consent.Workflows;

/// <summary>
/// A calendar length of time written as an ISO 8601 duration of years, months, weeks and days
/// (<c>P12M</c>, <c>P1Y</c>, <c>P30D</c>, <c>P2W</c>): how long a signed consent stays valid, or the
/// notice before it ends.
/// </summary>
/// <remarks>
/// Months and years are calendar units, not a fixed number of days. Adding follows the algorithm of
/// XML Schema 1.1 Part 2, appendix E.3.3 ("Adding durations to dateTimes"): the months (years are 12
/// months) first, with the day of the month pinned to the last day of a shorter month, then the days.
/// So a consent signed on 31 January with <c>P1M</c> ends on 28 February (29 in a leap year), and one
/// signed on 29 February 2028 with <c>P1Y</c> ends on 28 February 2029. That is
/// <see cref="DateTimeOffset.AddMonths"/> followed by <see cref="DateTimeOffset.AddDays"/>; the time
/// of day and the offset are kept.
/// </remarks>
/// <param name="Months">Whole months, years included (<c>P1Y2M</c> is 14).</param>
/// <param name="Days">Whole days, weeks included (<c>P2W3D</c> is 17).</param>
/// <param name="Text">The duration as written in the definition.</param>
public sealed record CalendarPeriod(int Months, int Days, string Text)
{
    // The fewest and most days in n consecutive calendar months (n = 0..11) of a common year,
    // e.g. 2 months: February and March (59) at the least, July and August (62) at the most.
    private static readonly int[] FewestDaysInMonths = [0, 28, 59, 89, 120, 150, 181, 212, 242, 273, 303, 334];
    private static readonly int[] MostDaysInMonths = [0, 31, 62, 92, 123, 153, 184, 215, 245, 276, 306, 337];

    /// <summary>
    /// A lower bound of this period's length in days, whatever the start: whole years of 365 days, the
    /// remaining months at their shortest run. Pinning never goes below it: a start on the 31st pinned
    /// to a shorter month's end spans as many days as the run of months one later.
    /// </summary>
    public int ShortestDays => Months / 12 * 365 + FewestDaysInMonths[Months % 12] + Days;

    /// <summary>
    /// An upper bound of this period's length in days, whatever the start: whole years of 366 days, the
    /// remaining months at their longest run plus a leap day.
    /// </summary>
    public int LongestDays => Months / 12 * 366 + (Months % 12 == 0 ? 0 : MostDaysInMonths[Months % 12] + 1) + Days;

    /// <summary>The instant this period after <paramref name="start"/> (months first, then days).</summary>
    public DateTimeOffset After(DateTimeOffset start) => start.AddMonths(Months).AddDays(Days);

    /// <summary>The instant this period before <paramref name="end"/> (months first, then days).</summary>
    public DateTimeOffset Before(DateTimeOffset end) => end.AddMonths(-Months).AddDays(-Days);

    /// <inheritdoc/>
    public override string ToString() => Text;
}
