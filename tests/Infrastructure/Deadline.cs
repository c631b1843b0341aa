namespace Consent.Testing;

/// <summary>
/// The one way tests wait for what happens in the background (the outbox, mail, a page load): poll
/// the condition until a generous deadline, then fail, saying what did not happen. Never a fixed
/// sleep, and never carrying on after the deadline as if the condition held.
/// </summary>
internal static class Deadline
{
    /// <summary>
    /// As long as the test hosts allow a request (90 s): the machine may be shared and very busy. A
    /// check that holds returns as soon as it holds; only a real failure waits this long.
    /// </summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(string what, Func<Task<bool>> condition) =>
        await ValueAsync(what, async () => await condition() ? what : null);

    /// <summary>Polls <paramref name="poll"/> until it gives a value, and returns it; throws <see cref="TimeoutException"/> at the deadline.</summary>
    /// <param name="lastSeen">Describes what the last poll saw, for the failure message.</param>
    public static async Task<T> ValueAsync<T>(string what, Func<Task<T?>> poll, Func<string>? lastSeen = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            if (await poll() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not within {Limit.TotalSeconds:0} s: {what}" + (lastSeen is null ? "." : $" (last seen: {lastSeen()})."));
            }

            await Task.Delay(Every);
        }
    }
}
