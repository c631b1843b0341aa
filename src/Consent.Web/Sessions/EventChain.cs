using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;

namespace Consent.Web.Sessions;

/// <summary>
/// The hash chain over a session's events: each hash covers the previous hash and the canonical
/// encoding of the event, so an edit, deletion or reordering is detectable. See docs/event-log.md.
/// </summary>
public static class EventChain
{
    /// <summary>The previous hash of a session's first event.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>Event times are kept to the microsecond, as PostgreSQL stores them.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset at) =>
        new(at.UtcTicks - (at.UtcTicks % 10), TimeSpan.Zero);

    public static string CanonicalText(ConsentEvent e)
    {
        var document = new JsonObject
        {
            ["actor"] = e.Actor,
            ["at"] = e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["contentHash"] = e.ContentHash,
            ["ip"] = e.Ip,
            ["payload"] = JsonNode.Parse(e.Payload),
            ["prevHash"] = e.PrevHash,
            ["seq"] = e.Seq,
            ["sessionId"] = e.SessionId.ToString("D"),
            ["stepId"] = e.StepId,
            ["type"] = e.Type,
            ["userAgent"] = e.UserAgent,
        };
        return ChainJson.Serialize(document);
    }

    public static string ComputeHash(ConsentEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(e))));

    /// <summary>Seals a new event onto the chain: sets its previous hash and its own hash.</summary>
    public static void Seal(ConsentEvent e, string previousHash)
    {
        e.PrevHash = previousHash;
        e.Hash = ComputeHash(e);
    }

    /// <summary>
    /// Checks a session's events in order: sequence numbers 1..n without gaps, each previous hash
    /// equal to the hash before it, each hash recomputed from the event, each event sealed by this
    /// service (<see cref="EventSeals"/>), and the last hash equal to the one the session row
    /// remembers (which catches a removed tail).
    /// </summary>
    public static ChainVerification Verify(IReadOnlyList<ConsentEvent> events, long expectedLastSeq, string expectedLastHash, EventSeals seals)
    {
        var previous = Genesis;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Seq != i + 1)
            {
                return ChainVerification.Broken(i + 1, $"sequence number {i + 1} is missing or out of order");
            }

            if (!string.Equals(e.PrevHash, previous, StringComparison.Ordinal))
            {
                return ChainVerification.Broken(e.Seq, $"event {e.Seq} does not follow the hash of event {e.Seq - 1}");
            }

            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return ChainVerification.Broken(e.Seq, $"event {e.Seq} was changed after it was recorded");
            }

            if (!seals.Holds(e))
            {
                return ChainVerification.Broken(e.Seq, seals.Problem(e));
            }

            previous = e.Hash;
        }

        if (events.Count != expectedLastSeq || !string.Equals(previous, expectedLastHash, StringComparison.Ordinal))
        {
            return ChainVerification.Broken(Math.Min(events.Count + 1, expectedLastSeq), "events are missing from the end of the chain");
        }

        return new ChainVerification(true, null, null, previous);
    }
}

/// <summary>The result of checking one session's event chain.</summary>
public sealed record ChainVerification(bool Verified, long? BrokenAtSeq, string? Problem, string? LastHash)
{
    public static ChainVerification Broken(long seq, string problem) => new(false, seq, problem, null);
}
