using System.Security.Cryptography;
using System.Text;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// Authenticator-app codes (RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits, what every app
/// computes from the shared key), each accepted once; Identity's token provider for them.
/// </summary>
/// <remarks>
/// <para>
/// RFC 6238 §5.2: "The verifier MUST NOT accept the second attempt of the same OTP after the
/// successful validation has been issued for the first OTP". Identity's own provider accepted a
/// code any number of times within its window, so one code read over a shoulder or from a
/// screen share signed in again. The account keeps the last time step it accepted
/// (<see cref="StaffUser.LastAuthenticatorStep"/>); a code of that step or an older one is refused,
/// and the step is claimed with one conditional UPDATE, so sign-ins racing with the same code admit
/// exactly one.
/// </para>
/// <para>
/// The window is one step either side of now (a code lives at most 90 seconds), down from
/// Identity's two (150 seconds): RFC 6238 §5.2 recommends at most one step of network delay, and one
/// step ahead covers a phone clock a little fast. The service's <see cref="TimeProvider"/> is the clock.
/// </para>
/// </remarks>
public sealed class AuthenticatorCodes(ConsentDbContext db, TimeProvider clock) : IUserTwoFactorTokenProvider<StaffUser>
{
    public const string ProviderName = "ConsentAuthenticator";

    private const int Drift = 1;

    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Codes come from the staff member's app; the service never makes one.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<StaffUser> manager, StaffUser user) => Task.FromResult("");

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<StaffUser> manager, StaffUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<StaffUser> manager, StaffUser user) =>
        await manager.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key && await AcceptAsync(user, key, token);

    /// <summary>
    /// True when <paramref name="code"/> is the code of <paramref name="base32Key"/> for a step
    /// within the window, newer than any step the account used; that step is then used up.
    /// </summary>
    public async Task<bool> AcceptAsync(StaffUser user, string base32Key, string code) =>
        MatchingStep(base32Key, code) is { } step && await ClaimAsync(user, step, refuseUsed: true);

    /// <summary>
    /// True when <paramref name="code"/> confirms a new key that is not in use yet: it is the key's
    /// code for a step within the window, whatever steps the key in use has used; the step is then
    /// counted as used, so the confirming code cannot also sign in.
    /// </summary>
    public async Task<bool> ConfirmNewKeyAsync(StaffUser user, string base32Key, string code) =>
        MatchingStep(base32Key, code) is { } step && await ClaimAsync(user, step, refuseUsed: false);

    private long? MatchingStep(string base32Key, string code)
    {
        code = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (code.Length != 6 || !code.All(char.IsAsciiDigit) || Base32(base32Key) is not { Length: > 0 } key)
        {
            return null;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds() / (long)Step.TotalSeconds;
        for (var step = now - Drift; step <= now + Drift; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Code(key, step)), Encoding.ASCII.GetBytes(code)))
            {
                return step;
            }
        }

        return null;
    }

    /// <summary>Records the step as used; with <paramref name="refuseUsed"/>, only if neither it nor a later one was used (false when it was).</summary>
    /// <remarks>
    /// Identity writes every column of the account on each update, so a request holding the account
    /// as it was before the claim would write the old step back and free the code again. The claim
    /// therefore also renews the concurrency stamp: such a stale write then fails instead, and this
    /// request's own copy of the account is brought up to date so its later writes succeed.
    /// </remarks>
    private async Task<bool> ClaimAsync(StaffUser user, long step, bool refuseUsed)
    {
        var stamp = Guid.NewGuid().ToString();
        var claimed = await db.Users
            .Where(u => u.Id == user.Id && (!refuseUsed || u.LastAuthenticatorStep == null || u.LastAuthenticatorStep < step))
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.LastAuthenticatorStep, u => u.LastAuthenticatorStep == null || u.LastAuthenticatorStep < step ? step : u.LastAuthenticatorStep)
                .SetProperty(u => u.ConcurrencyStamp, stamp));
        if (claimed != 1)
        {
            return false;
        }

        // What the database now holds (a later step another request used stays), for this request's own writes.
        var used = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.LastAuthenticatorStep).SingleAsync();
        var entry = db.Entry(user);
        user.LastAuthenticatorStep = used;
        user.ConcurrencyStamp = stamp;
        if (entry.State != EntityState.Detached)
        {
            entry.Property(u => u.LastAuthenticatorStep).OriginalValue = used;
            entry.Property(u => u.ConcurrencyStamp).OriginalValue = stamp;
        }

        return true;
    }

    /// <summary>RFC 4226 §5.3 HOTP of the step counter, dynamically truncated to six digits.</summary>
    private static string Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        // Authenticator apps use HMAC-SHA1 (RFC 6238's default); its known weaknesses are in collisions, not in HMAC.
#pragma warning disable CA5350
        var hash = HMACSHA1.HashData(key, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var value = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 4648 §6 base32, as Identity writes the shared key (upper case, no padding); null when it is not base32.</summary>
    private static byte[]? Base32(string text)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var value = Alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = ((buffer << 5) | value) & 0xFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
            }
        }

        return [.. bytes];
    }
}
