namespace Consent.Web.DemoData;

/// <summary>
/// The clock <c>seed-demo-data</c> runs the real use cases under: the system clock moved back by an offset
/// the seeder sets before each step of the story, so a consent can be signed "thirteen months ago" with every
/// event, record and job dated as if it happened then. Time still flows while it runs, so events stay in order.
/// </summary>
/// <remarks>
/// It replaces the service's <see cref="TimeProvider"/> for the verb's own process only (<see cref="Cli.DemoDataVerb.UseDemoClock"/>);
/// the service itself always runs on <see cref="TimeProvider.System"/>.
/// </remarks>
public sealed class DemoClock : TimeProvider
{
    private long offsetTicks;

    /// <summary>How far the clock is moved from the system's (negative: in the past).</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));

    public override TimeZoneInfo LocalTimeZone => TimeProvider.System.LocalTimeZone;

    /// <summary>Sets the clock back to where the story begins.</summary>
    public void StartAt(DateTimeOffset at) => Interlocked.Exchange(ref offsetTicks, (at - TimeProvider.System.GetUtcNow()).Ticks);

    /// <summary>
    /// Moves the clock forward to <paramref name="at"/>; a time it has passed already leaves it where it is, so a
    /// session's events never go out of order (an act that ran past the next one's moment delays that one a little).
    /// </summary>
    public void MoveTo(DateTimeOffset at)
    {
        var system = TimeProvider.System.GetUtcNow();
        var wanted = (at - system).Ticks;
        var current = Interlocked.Read(ref offsetTicks);
        while (wanted > current)
        {
            var seen = Interlocked.CompareExchange(ref offsetTicks, wanted, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Moves the clock on, as when a patient reads for a while.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, Math.Max(0, by.Ticks));

    /// <summary>Back to the system's time (the offset only ever shrinks towards zero, so nothing lands in the future).</summary>
    public void Reset() => Interlocked.Exchange(ref offsetTicks, 0);
}
