using System.Globalization;

namespace Consent.Web.Ui;

/// <summary>
/// A first and last day picked on a staff page (yyyy-MM-dd, as a date input sends them, both days
/// included), checked once for the search and export pages alike, and turned into the half-open
/// UTC range the queries use.
/// </summary>
public sealed record PickedDays(DateOnly? First, DateOnly? Last)
{
    /// <summary>Reads the two fields; a problem to show when either is not a day or they are the wrong way round.</summary>
    public static (PickedDays Days, string? Problem) Read(string? from, string? to)
    {
        var (first, firstOk) = Day(from);
        var (last, lastOk) = Day(to);
        var problem = !firstOk ? "The first day is not a date."
            : !lastOk ? "The last day is not a date."
            : first is { } a && last is { } b && b < a ? "The last day must not be before the first day."
            : null;
        return (new PickedDays(first, last), problem);
    }

    /// <summary>The first day's first instant in UTC, or nothing when no first day was picked.</summary>
    public DateTimeOffset? Start => First is { } day ? Midnight(day) : null;

    /// <summary>
    /// The first instant after the last day, or nothing when no last day was picked or the last day
    /// is the calendar's last (9999-12-31 has no day after it: adding one threw, and the page answered 500).
    /// </summary>
    public DateTimeOffset? End => Last is { } day && day < DateOnly.MaxValue ? Midnight(day.AddDays(1)) : null;

    /// <summary>An instant as the API's query string takes it (ISO 8601, UTC).</summary>
    public static string Query(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static (DateOnly? Day, bool Ok) Day(string? value) =>
        string.IsNullOrWhiteSpace(value) ? (null, true)
        : DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? (day, true)
        : (null, false);
}
