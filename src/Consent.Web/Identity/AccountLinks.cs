using System.Security.Cryptography;
using System.Text;
using Consent.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// The one-time links a staff member is emailed: an invitation, with which they choose their first
/// password, and a password reset. Each account has at most one outstanding link; a new one (a
/// re-sent invitation, a second reset request) replaces it, and the old link stops working.
/// </summary>
/// <remarks>
/// <para>21 CFR 11.200(a)(3) and 11.300: nobody but the staff member may know the password that
/// executes their signature. So an admin never sets one: the admin invites, and the invitee sets
/// their own from a link only their mailbox receives. The token is 256 random bits, sent only by
/// mail, kept only as a SHA-256 hash, in the account's sealed fields (<see cref="StaffAccountSeals"/>),
/// so a database writer cannot plant a link they know. It is used up when it sets the password.</para>
/// <para>An invitation works for <see cref="InvitationLifetime"/>, a reset for
/// <see cref="ResetLifetime"/>.</para>
/// </remarks>
public sealed class AccountLinks(StaffUserManager users, TimeProvider clock)
{
    public const string Invitation = "invitation";
    public const string PasswordReset = "password-reset";

    /// <summary>How long an invitation link works.</summary>
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromHours(72);

    /// <summary>How long a password-reset link works.</summary>
    public static readonly TimeSpan ResetLifetime = TimeSpan.FromHours(1);

    /// <summary>The link's path on the service; the token follows it.</summary>
    public const string PathPrefix = "/account/link/";

    /// <summary>A link just made: its token (to mail, never to store) and when it stops working.</summary>
    public sealed record Issued(string Token, DateTimeOffset ExpiresAt);

    /// <summary>Gives the account a new link for <paramref name="purpose"/>, replacing any outstanding one, and saves the account (with whatever else the context holds, such as the mail job).</summary>
    /// <param name="beforeSave">Adds the mail job carrying the token to the context, so the link and its mail are saved together.</param>
    public async Task<Issued> IssueAsync(StaffUser user, string purpose, Action<string> beforeSave)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var expires = clock.GetUtcNow() + (purpose == Invitation ? InvitationLifetime : ResetLifetime);
        beforeSave(token);
        user.AccountLinkHash = Hash(token);
        user.AccountLinkPurpose = purpose;
        user.AccountLinkExpiresAt = expires;
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded)
        {
            throw new InvalidOperationException($"The staff account could not be saved: {string.Join(" ", saved.Errors.Select(e => e.Description))}");
        }

        return new Issued(token, expires);
    }

    /// <summary>
    /// The account a link's token opens: it is the account's outstanding link, not run out, and the
    /// account is active and sealed as the service wrote it. Null otherwise, whatever the reason (one
    /// answer, so a probe learns nothing).
    /// </summary>
    public async Task<StaffUser?> FindAsync(string? token, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return null;
        }

        var hash = Hash(token.Trim());
        var user = await users.Users.SingleOrDefaultAsync(u => u.AccountLinkHash == hash, ct);
        if (user is null || user.DeactivatedAt is not null || user.AccountLinkExpiresAt is not { } expires || expires <= clock.GetUtcNow()
            || await users.IsChangedOutsideAsync(user))
        {
            return null;
        }

        return user;
    }

    /// <summary>Whether <paramref name="token"/> is the account's outstanding link (for a mail job deciding whether it may still go out).</summary>
    public bool IsCurrent(StaffUser user, string token) =>
        user.AccountLinkHash is { } hash && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(Hash(token)))
        && user.AccountLinkExpiresAt > clock.GetUtcNow() && user.DeactivatedAt is null;

    /// <summary>Forgets the outstanding link (saved by the caller's next update of the account).</summary>
    public static void UseUp(StaffUser user)
    {
        user.AccountLinkHash = null;
        user.AccountLinkPurpose = null;
        user.AccountLinkExpiresAt = null;
    }

    /// <summary>The token from a link as pasted: the whole address or the token alone.</summary>
    public static string? TokenOf(string? linkOrToken)
    {
        if (string.IsNullOrWhiteSpace(linkOrToken))
        {
            return null;
        }

        var text = linkOrToken.Trim();
        var at = text.IndexOf(PathPrefix, StringComparison.OrdinalIgnoreCase);
        return at >= 0 ? text[(at + PathPrefix.Length)..].TrimEnd('/') : text;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
