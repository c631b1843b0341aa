using System.Globalization;
using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Settings;
using Microsoft.Extensions.Options;

namespace Consent.Web.Identity;

/// <summary>
/// Each staff sign-in's identity and start: a row in <c>staff_sign_ins</c>, and two claims every
/// cookie and bearer token of it carries, <see cref="IdClaim"/> and <see cref="StartedClaim"/>.
/// </summary>
/// <remarks>
/// <para>The start is in the sign-in itself (the cookie and token are encrypted and signed with the
/// key ring), so <see cref="StaffSignInVerdicts"/> ends a sign-in older than
/// <see cref="StaffSignInOptions.MaxSignInHours"/> without a database read. A sign-in carrying no
/// start (made before this existed) counts as ended. The row says whether the sign-in has executed
/// its first signature yet (<see cref="StaffSignatures"/>).</para>
/// <para>Renewing a sign-in (after a password change) keeps its id and start: a new password does not
/// lengthen the sign-in, nor let it sign again with fewer components.</para>
/// </remarks>
public sealed class StaffSignIns(ConsentDbContext db, TimeProvider clock, IOptions<StaffSignInOptions> options)
{
    public const string IdClaim = "consent:sid";
    public const string StartedClaim = "consent:signed-in";

    public TimeSpan MaxLifetime => TimeSpan.FromHours(options.Value.MaxSignInHours);

    public TimeSpan IdleLifetime => TimeSpan.FromMinutes(options.Value.IdleMinutes);

    /// <summary>
    /// The claims a new sign-in carries beside the account's own: whether it passed a second factor,
    /// its id and its start. With <paramref name="continuing"/> (a sign-in renewed after a password
    /// change) the id and start are that sign-in's own.
    /// </summary>
    public async Task<Claim[]> StartAsync(StaffUser user, bool secondFactor, ClaimsPrincipal? continuing = null)
    {
        var factor = new Claim(Policies.TwoFactorClaim, secondFactor ? "true" : "false");
        if (continuing?.FindFirstValue(IdClaim) is { } id && continuing.FindFirstValue(StartedClaim) is { } started)
        {
            return [factor, new Claim(IdClaim, id), new Claim(StartedClaim, started)];
        }

        var now = clock.GetUtcNow();
        var entry = new StaffSignInEntry { Id = Guid.NewGuid(), UserId = user.Id, StartedAt = now, SecondFactor = secondFactor };
        db.StaffSignIns.Add(entry);
        await db.SaveChangesAsync();
        return [factor, new Claim(IdClaim, entry.Id.ToString("D")), new Claim(StartedClaim, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>When the sign-in began, from its claim; null when it carries none.</summary>
    public static DateTimeOffset? StartOf(ClaimsPrincipal principal) =>
        long.TryParse(principal.FindFirstValue(StartedClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    /// <summary>The sign-in's id, from its claim; null when it carries none.</summary>
    public static Guid? IdOf(ClaimsPrincipal principal) => Guid.TryParse(principal.FindFirstValue(IdClaim), out var id) ? id : null;

    /// <summary>Whether the sign-in is past its longest life (or carries no start at all).</summary>
    public bool IsOverAge(ClaimsPrincipal principal) => StartOf(principal) is not { } start || clock.GetUtcNow() - start >= MaxLifetime;
}
