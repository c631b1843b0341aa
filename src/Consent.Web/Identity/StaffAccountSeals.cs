using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Consent.Web.Data.Entities;

namespace Consent.Web.Identity;

/// <summary>
/// Seals what decides who a staff account is and what it may do, so that an account changed in
/// the database outside this service (a password hash set, a role row inserted, two-factor turned
/// off) signs in as nobody.
/// </summary>
/// <remarks>
/// <para>The runtime database role must write the identity tables: sign-ins count failures and
/// rotate stamps. An outside attack used that to set a password hash it knew on a clinician's
/// account, sign in and countersign, and to give an account the Admin role by inserting a row in
/// <c>AspNetUserRoles</c>. A database grant cannot tell that write from the service's own, so
/// each account carries, in <see cref="StaffUser.AccountSeal"/>, an HMAC-SHA256 (RFC 2104) over
/// its security fields and the names of its roles, under a key derived from the key-encryption
/// certificate's private key (<see cref="CertificateKeys"/>), as <c>keyId:hex</c>, like the event
/// seals and the key-ring seals. Whoever can write the database but does not hold that
/// certificate cannot make a seal that holds.</para>
/// <para>Sealed: id, user name, email, password hash, security stamp, two-factor on or off,
/// whether lockout applies, deactivated or not, whether the password is a temporary one, the
/// outstanding enrolment code's hash, the display name (it is printed on records), and the role
/// names. Not sealed: failed-attempt counts and lockout ends (a write there can only lock an
/// account or lift a lockout of guesses, which a database writer could do by other means), the last
/// authenticator step (a database writer could only let a used code be used again, and it does not
/// know the code) and the dates themselves (PostgreSQL keeps microseconds, .NET ticks).</para>
/// <para>The seal is renewed by <see cref="StaffUserStore"/> on every write of the account through
/// Identity and checked by <see cref="StaffStandings"/> for every signed-in request and by
/// <see cref="StaffSignIn"/> before a password is tried. An account written before seals existed
/// has none: <c>seal-staff-accounts</c>, run once by the operator after the upgrade, seals those.</para>
/// </remarks>
public sealed class StaffAccountSeals(KeyEncryption certificates)
{
    private const string Label = "Consent staff account seal v1";

    private readonly (string Id, byte[] Key)[] keys = CertificateKeys.For(certificates, Label);

    /// <summary>The seal for the account as it is about to be stored, made by the current certificate's key.</summary>
    public string Seal(StaffUser user, IEnumerable<string> roles) => $"{keys[0].Id}:{Compute(keys[0].Key, Content(user, roles))}";

    /// <summary>What the account's stored seal says about it and its roles.</summary>
    public SealState Check(StaffUser user, IEnumerable<string> roles)
    {
        if (string.IsNullOrEmpty(user.AccountSeal))
        {
            return SealState.Missing;
        }

        var parts = user.AccountSeal.Split(':');
        var key = keys.FirstOrDefault(k => parts.Length == 2 && string.Equals(k.Id, parts[0], StringComparison.Ordinal)).Key;
        if (key is null)
        {
            return SealState.UnknownKey;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(key, Content(user, roles)));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[1])) ? SealState.Holds : SealState.Mismatch;
    }

    /// <summary>Why an account is refused, for the log and the command's output.</summary>
    public static string Why(SealState state) => state switch
    {
        SealState.Missing => "it carries no seal: an account written before account seals existed (run 'seal-staff-accounts' once after the upgrade) or one inserted in the database",
        SealState.UnknownKey => "it is sealed with a key this service does not hold (configure the earlier key-encryption certificate as DataProtection__PreviousCertificatePath)",
        _ => "its seal does not match it or its roles: the account was changed outside this service",
    };

    /// <summary>The sealed fields, in a fixed order, as a JSON array (the serializer escapes every string the same way each time).</summary>
    private static string Content(StaffUser user, IEnumerable<string> roles) => JsonSerializer.Serialize(new object?[]
    {
        "staff-account-v1",
        user.Id.ToString("D"),
        user.NormalizedUserName,
        user.NormalizedEmail,
        user.PasswordHash,
        user.SecurityStamp,
        user.TwoFactorEnabled,
        user.LockoutEnabled,
        user.DeactivatedAt is not null,
        user.TemporaryPasswordExpiresAt is not null,
        user.TwoFactorEnrolmentCodeHash,
        user.DisplayName,
        roles.Order(StringComparer.Ordinal).ToArray(),
    });

    private static string Compute(byte[] key, string content) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(content)));
}
