using System.Security.Cryptography;
using System.Text;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;

namespace Consent.Web.Sessions;

/// <summary>
/// Seals each event with a keyed MAC over its chain hash, with a key that never enters the database,
/// so that nobody who can only write the database (the service's own role, a DBA, whoever restores
/// a backup) can add, change or replace an event that verifies. See docs/event-log.md, "The seal".
/// </summary>
/// <remarks>
/// <para>The chain hash has no secret: anyone who can insert a row can compute the hash of a forged
/// event (an outside review appended a clinician's countersignature as the runtime role, and the
/// service signed a record over it), and the table owner can rewrite and re-chain a whole session.
/// The seal is HMAC-SHA256 (RFC 2104) of the event's hash under a 256-bit key derived from the
/// key-encryption certificate's RSA private key, which the service already holds outside the
/// database (a file or an environment variable; Production refuses to start without it).</para>
/// <para>The key is SHA-256 of the certificate's RSASSA-PKCS1-v1_5 SHA-256 signature (RFC 8017 §8.2)
/// over a fixed label. That signature scheme is deterministic, so the same certificate always gives
/// the same key, on every node and after every restart; without the private key it cannot be made.
/// Each event names its key by an id (the first 16 hex digits of the certificate's SHA-256
/// thumbprint), so after a rotation (<c>DataProtection:PreviousCertificatePath</c>) events sealed
/// under the earlier certificate still verify.</para>
/// </remarks>
public sealed class EventSeals
{
    private const string Label = "Consent event seal v1";

    private readonly (string Id, byte[] Key)[] keys;

    public EventSeals(KeyEncryption certificates)
    {
        keys = CertificateKeys.For(certificates, Label);
    }

    /// <summary>The id of the key new events are sealed with.</summary>
    public string CurrentKeyId => keys[0].Id;

    /// <summary>Sets the event's seal, after its hash is set (<see cref="EventChain.Seal"/>).</summary>
    public void Seal(ConsentEvent e)
    {
        e.SealKey = keys[0].Id;
        e.Seal = Compute(keys[0].Key, e.Hash);
    }

    /// <summary>True when the event carries a seal made by one of our keys over its stored hash.</summary>
    public bool Holds(ConsentEvent e)
    {
        if (e.Seal is not { Length: 64 } seal || e.SealKey is null)
        {
            return false;
        }

        foreach (var (id, key) in keys)
        {
            if (string.Equals(id, e.SealKey, StringComparison.Ordinal))
            {
                return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(key, e.Hash)), Encoding.ASCII.GetBytes(seal));
            }
        }

        return false;
    }

    /// <summary>Why <see cref="Holds"/> is false, for a finding.</summary>
    public string Problem(ConsentEvent e) =>
        e.Seal is null ? $"event {e.Seq} carries no seal: it was not written by this service"
        : keys.Any(k => string.Equals(k.Id, e.SealKey, StringComparison.Ordinal)) ? $"event {e.Seq} has a seal that does not match it: it was written or changed outside this service"
        : $"event {e.Seq} is sealed with key {e.SealKey}, which this service does not hold (configure the earlier key-encryption certificate as DataProtection__PreviousCertificatePath)";

    private static string Compute(byte[] key, string hash) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(hash)));
}
