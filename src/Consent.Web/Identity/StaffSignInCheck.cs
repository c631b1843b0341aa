using System.Security.Claims;
using Consent.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Identity;

/// <summary>
/// Checks every staff sign-in, bearer token or cookie alike, against the account as it is now, and
/// decides which roles the request may use.
/// </summary>
/// <remarks>
/// <para>
/// A token or cookie only proves what was true when it was issued, and anyone who can read the
/// key ring can make one up. So after authentication, on every request: the account must exist,
/// be active, its seal must hold (<see cref="StaffAccountSeals"/>: it was not changed outside the
/// service), and its security stamp must equal the one signed into the
/// sign-in (a role change, password change, deactivation or sign-out rotates it,
/// <see cref="StaffUserManager"/>). A lockout after failed guesses is not checked here: it refuses
/// new password sign-ins, not the ones an account already holds. Otherwise the request continues as anonymous: 401 for the API,
/// the sign-in page for pages. It runs as middleware right after authentication: replacing the
/// request's user there also drops the authentication result authorization would otherwise reuse
/// (a claims transformation cannot, and a refused sign-in would get 403 instead of 401).
/// </para>
/// <para>
/// The roles come from the database, not from the token. Outside Development the roles that widen
/// access (<see cref="StaffRoles.NeedingSecondFactor"/>) count only for a sign-in that passed a
/// second factor; this is the one place that rule lives, so policies, per-session checks and the
/// page menus all see the same roles.
/// </para>
/// <para>
/// An account whose password an admin reset to a temporary one gets no roles until it chooses its
/// own (<see cref="StaffPasswords"/>): it reaches only its own account, to change the password.
/// </para>
/// <para>Patient tickets carry no staff claims and pass through untouched (they are checked by their own handler).</para>
/// </remarks>
public sealed class StaffSignInCheck(RequestDelegate next, StaffSignInVerdicts verdicts)
{
    private static readonly HashSet<string> PatientClaims = [PatientAccess.SessionClaim, PatientAccess.LinkClaim];

    public async Task InvokeAsync(HttpContext context)
    {
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated == true && !principal.Claims.All(c => PatientClaims.Contains(c.Type)))
        {
            context.User = await verdicts.CheckAsync(principal, context.RequestServices.GetRequiredService<ConsentDbContext>, context.RequestAborted);
        }

        await next(context);
    }
}

/// <summary>
/// The check <see cref="StaffSignInCheck"/> makes of every staff sign-in, for the one place that reads a
/// staff cookie outside the request's own user: a reviewer's preview on the patient pages, where the
/// request's user is the patient ticket (<see cref="UseCases.Patients.PatientAccessService.OpenPreviewAsync"/>).
/// </summary>
/// <remarks>
/// <para>Beyond the account's standing: a sign-in older than <c>Identity:MaxSignInHours</c> (or carrying no
/// start, <see cref="StaffSignIns"/>) has ended. And a sign-in whose account still owes something before
/// its roles may work gets no role and a <see cref="DueClaim"/> naming it, which the pages turn into a
/// redirect to where it is done (<see cref="Hosting.StaffDutiesFilter"/>): <c>password</c> (a temporary
/// password to replace), <c>two-factor</c> (an Admin or Auditor account without an authenticator, outside
/// Development), <c>training</c> (the training attestation, 21 CFR 11.10(i), 11.100(c)).</para>
/// </remarks>
public sealed class StaffSignInVerdicts(
    StaffStandings standings, IHostEnvironment environment, IOptions<IdentityOptions> identity, IOptions<Settings.StaffSignInOptions> signIns, TimeProvider clock)
{
    /// <summary>What the account must do before its roles work: <c>password</c>, <c>two-factor</c> or <c>training</c>.</summary>
    public const string DueClaim = "consent:due";

    /// <summary>The sign-in as the account stands now, with the roles it may use; anonymous when it no longer holds.</summary>
    public async Task<ClaimsPrincipal> CheckAsync(ClaimsPrincipal principal, Func<ConsentDbContext> database, CancellationToken ct)
    {
        var types = identity.Value.ClaimsIdentity;
        if (!Guid.TryParse(principal.FindFirstValue(types.UserIdClaimType), out var userId))
        {
            return Anonymous();
        }

        var standing = await standings.GetAsync(userId, database, ct);
        if (standing is null || standing.Deactivated || standing.Unsealed || standing.SecurityStamp is null
            || principal.FindFirstValue(types.SecurityStampClaimType) != standing.SecurityStamp)
        {
            return Anonymous();
        }

        if (StaffSignIns.StartOf(principal) is not { } started || clock.GetUtcNow() - started >= TimeSpan.FromHours(signIns.Value.MaxSignInHours))
        {
            return Anonymous();
        }

        var secondFactor = principal.HasClaim(Policies.TwoFactorClaim, "true");
        var due = standing.PasswordChangeRequired ? "password"
            : !environment.IsDevelopment() && !standing.TwoFactorEnabled && standing.Roles.Any(StaffRoles.NeedingSecondFactor.Contains) ? "two-factor"
            : !standing.TrainingAttested ? "training"
            : null;
        var checkedIdentity = new ClaimsIdentity(principal.Identity!.AuthenticationType, types.UserNameClaimType, types.RoleClaimType);
        checkedIdentity.AddClaims(principal.Claims
            .Where(c => c.Type != types.RoleClaimType && c.Type != ClaimTypes.Role && c.Type != DueClaim)
            .Select(c => new Claim(c.Type, c.Value)));
        if (due is not null)
        {
            checkedIdentity.AddClaim(new Claim(DueClaim, due));
        }

        checkedIdentity.AddClaims(standing.Roles
            .Where(_ => !standing.PasswordChangeRequired && standing.TrainingAttested)
            .Where(role => secondFactor || environment.IsDevelopment() || !StaffRoles.NeedingSecondFactor.Contains(role))
            .Select(role => new Claim(types.RoleClaimType, role)));
        return new ClaimsPrincipal(checkedIdentity);
    }

    private static ClaimsPrincipal Anonymous() => new(new ClaimsIdentity());
}
