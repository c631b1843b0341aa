using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Web.Data.Entities;
using Consent.Web.Sessions;

namespace Consent.Web.SystemEvents;

/// <summary>
/// The one hash chain over the system events: each hash is SHA-256 over the canonical JSON
/// (<see cref="ChainJson"/>, the encoding of the session event log, docs/event-log.md) of every other
/// field and the previous hash, so a changed, removed or reordered event is named by its seq.
/// 21 CFR 11.10(e): computer-generated, time-stamped audit trails that do not obscure what was recorded.
/// </summary>
public static class SystemEventChain
{
    public static readonly string Genesis = EventChain.Genesis;

    public static string CanonicalText(SystemEvent e)
    {
        var document = new JsonObject
        {
            ["actor"] = e.Actor,
            ["actorEmail"] = e.ActorEmail,
            ["at"] = e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["detail"] = JsonNode.Parse(e.Detail),
            ["ip"] = e.Ip,
            ["patientId"] = e.PatientId?.ToString("D"),
            ["prevHash"] = e.PrevHash,
            ["seq"] = e.Seq,
            ["sessionId"] = e.SessionId?.ToString("D"),
            ["type"] = e.Type,
            ["userAgent"] = e.UserAgent,
        };
        return ChainJson.Serialize(document);
    }

    public static string ComputeHash(SystemEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(e))));

    /// <summary>Walks the chain in seq order, one event at a time, and reports the first seq that does not verify.</summary>
    public sealed class Verifier
    {
        private string previous = Genesis;
        private long expected = 1;

        public long? BrokenAtSeq { get; private set; }

        public string? Problem { get; private set; }

        public long Checked { get; private set; }

        public bool Verified => BrokenAtSeq is null;

        /// <summary>Checks the next event; false once the chain is broken (later events are not checked).</summary>
        public bool Add(SystemEvent e)
        {
            if (BrokenAtSeq is not null)
            {
                return false;
            }

            if (e.Seq != expected)
            {
                return Break(expected, $"system event {expected} is missing or out of order");
            }

            if (!string.Equals(e.PrevHash, previous, StringComparison.Ordinal))
            {
                return Break(e.Seq, $"system event {e.Seq} does not follow the hash of system event {e.Seq - 1}");
            }

            if (!string.Equals(ComputeHash(e), e.Hash, StringComparison.Ordinal))
            {
                return Break(e.Seq, $"system event {e.Seq} was changed after it was recorded");
            }

            previous = e.Hash;
            expected++;
            Checked++;
            return true;
        }

        private bool Break(long seq, string problem)
        {
            (BrokenAtSeq, Problem) = (seq, problem);
            return false;
        }
    }
}
