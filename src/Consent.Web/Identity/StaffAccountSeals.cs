using System.Text.Json;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

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
/// whether lockout applies, deactivated or not, the temporary password's and the enrolment code's
/// expiry (in whole seconds: <see cref="StaffUserStore"/> stores them cut to the second, since
/// PostgreSQL keeps microseconds and .NET ticks), the outstanding enrolment code's hash, the
/// display name (it is printed on records), and the role names. Not sealed: failed-attempt counts
/// and lockout ends (a write there can only lock an account or lift a lockout of guesses, which a
/// database writer could do by other means), the last authenticator step (a database writer could
/// only let a used code be used again, and it does not know the code), and when the account was
/// created or deactivated (only whether it is deactivated matters).</para>
/// <para>A seal says who wrote a state, not that it is the latest: an earlier sealed state written
/// back (a departed employee's row as it was before the deactivation, with its old stamp, so that
/// their old sign-ins work again) would still hold. So every seal given is also appended, numbered
/// and itself sealed, to <c>staff_account_seals</c>, where the runtime role may only add rows
/// (<see cref="Data.AppendOnlyTables"/>); the account's seal must be the latest entry's
/// (<see cref="SealState.Superseded"/> otherwise). Without the key nobody can add an entry that
/// holds, so the latest cannot be moved back.</para>
/// <para>The seal is renewed by <see cref="StaffUserStore"/> on every write of the account through
/// Identity and checked (<see cref="CheckStoredAsync"/>) by <see cref="StaffStandings"/> for every
/// signed-in request and by <see cref="StaffSignIn"/> before a password is tried. An account written
/// before seals existed has none: <c>encrypt-key-ring</c>, run once by the operator after the
/// upgrade, seals those.</para>
/// </remarks>
public sealed class StaffAccountSeals(KeyEncryption certificates)
{
    private readonly CertificateMac mac = new(certificates, "Consent staff account seal v1");

    /// <summary>The names of the account's roles as stored now, the ones its seal covers.</summary>
    public static Task<List<string>> StoredRolesAsync(ConsentDbContext db, Guid userId, CancellationToken ct) =>
        db.UserRoles.AsNoTracking().Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToListAsync(ct);

    /// <summary>The seal for the account as it is about to be stored, made by the current certificate's key.</summary>
    public string Seal(StaffUser user, IEnumerable<string> roles) => mac.Seal(Content(user, roles));

    /// <summary>What the account's seal says about it and its roles (not whether it is the latest: <see cref="CheckStoredAsync"/>).</summary>
    public SealState Check(StaffUser user, IEnumerable<string> roles) => mac.Check(user.AccountSeal, Content(user, roles));

    /// <summary>As <see cref="CheckStoredAsync(ConsentDbContext, StaffUser, IEnumerable{string}, CancellationToken)"/>, reading the stored role names itself.</summary>
    public async Task<SealState> CheckStoredAsync(ConsentDbContext db, StaffUser user, CancellationToken ct) =>
        await CheckStoredAsync(db, user, await StoredRolesAsync(db, user.Id, ct), ct);

    /// <summary>
    /// What the account's seal says about it as stored, its roles as stored, and whether that seal
    /// is the latest the service gave it (<c>staff_account_seals</c>).
    /// </summary>
    public async Task<SealState> CheckStoredAsync(ConsentDbContext db, StaffUser user, IEnumerable<string> roles, CancellationToken ct)
    {
        var state = Check(user, roles);
        if (state != SealState.Holds)
        {
            return state;
        }

        var latest = await db.StaffAccountSeals.AsNoTracking().Where(e => e.UserId == user.Id)
            .OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return SealState.Missing;
        }

        return mac.Check(latest.EntrySeal, EntryContent(latest.UserId, latest.Seq, latest.Seal)) is var entry && entry != SealState.Holds ? entry
            : string.Equals(latest.Seal, user.AccountSeal, StringComparison.Ordinal) ? SealState.Holds : SealState.Superseded;
    }

    /// <summary>
    /// Seals the account as it is about to be saved (its expiries cut to whole seconds, as sealed) and
    /// adds the next entry of its seal history to <paramref name="db"/>, to be saved with it.
    /// </summary>
    public async Task<StaffAccountSealEntry> SealAsync(ConsentDbContext db, StaffUser user, IEnumerable<string> roles, DateTimeOffset now, CancellationToken ct)
    {
        user.TemporaryPasswordExpiresAt = user.TemporaryPasswordExpiresAt is { } temporary ? CertificateMac.WholeSeconds(temporary) : null;
        user.TwoFactorEnrolmentCodeExpiresAt = user.TwoFactorEnrolmentCodeExpiresAt is { } code ? CertificateMac.WholeSeconds(code) : null;
        user.AccountLinkExpiresAt = user.AccountLinkExpiresAt is { } link ? CertificateMac.WholeSeconds(link) : null;
        user.TrainingAttestedAt = user.TrainingAttestedAt is { } attested ? CertificateMac.WholeSeconds(attested) : null;
        user.AccountSeal = Seal(user, roles);
        var seq = (await db.StaffAccountSeals.Where(e => e.UserId == user.Id).MaxAsync(e => (long?)e.Seq, ct) ?? 0) + 1;
        var entry = new StaffAccountSealEntry
        {
            UserId = user.Id, Seq = seq, Seal = user.AccountSeal, SealedAt = now, EntrySeal = mac.Seal(EntryContent(user.Id, seq, user.AccountSeal)),
        };
        db.StaffAccountSeals.Add(entry);
        return entry;
    }

    private static string EntryContent(Guid userId, long seq, string seal) =>
        JsonSerializer.Serialize(new object[] { "staff-account-seal-entry-v1", userId.ToString("D"), seq, seal });

    /// <summary>Why an account is refused, for the log and the command's output.</summary>
    public static string Why(SealState state) => state switch
    {
        SealState.Missing => "it carries no seal, or none the service recorded: an account written before account seals existed (run 'encrypt-key-ring' once after the upgrade) or one inserted in the database",
        SealState.Superseded => "its seal is an earlier one, not the latest the service gave it: an earlier state of the account was written back",
        SealState.UnknownKey => "it is sealed with a key this service does not hold (configure the earlier key-encryption certificate as DataProtection__PreviousCertificatePath)",
        _ => "its seal does not match it or its roles, or its seal history: the account was changed outside this service",
    };

    /// <summary>The sealed fields, in a fixed order, as a JSON array (the serializer escapes every string the same way each time).</summary>
    /// <remarks>
    /// The emailed link (its token's hash, purpose and expiry) and the training attestation were added
    /// later: they are appended only when set, so an account sealed before they existed, which has
    /// none, keeps a seal that holds. A database writer who plants a link hash it knows, or an
    /// attestation nobody signed, breaks the seal.
    /// </remarks>
    private static string Content(StaffUser user, IEnumerable<string> roles) => JsonSerializer.Serialize(Fields(user, roles));

    private static object?[] Fields(StaffUser user, IEnumerable<string> roles)
    {
        object?[] first = Original(user, roles);
        var link = user.AccountLinkHash is null && user.AccountLinkPurpose is null && user.AccountLinkExpiresAt is null
            ? []
            : new object?[] { "link", user.AccountLinkHash, user.AccountLinkPurpose, user.AccountLinkExpiresAt?.ToUnixTimeSeconds() };
        var training = user.TrainingAttestedAt is null && user.TrainingAttestationHash is null
            ? []
            : new object?[] { "training", user.TrainingAttestedAt?.ToUnixTimeSeconds(), user.TrainingAttestationHash, user.TrainingAttestationLanguage };
        return [.. first, .. link, .. training];
    }

    private static object?[] Original(StaffUser user, IEnumerable<string> roles) => new object?[]
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
        user.TemporaryPasswordExpiresAt?.ToUnixTimeSeconds(),
        user.TwoFactorEnrolmentCodeHash,
        user.TwoFactorEnrolmentCodeExpiresAt?.ToUnixTimeSeconds(),
        user.DisplayName,
        roles.Order(StringComparer.Ordinal).ToArray(),
    };
}
