using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.UseCases;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Identity;

/// <summary>
/// Executing a staff member's electronic signature: a countersignature, a check-in decision, an ethics
/// approval, the training attestation. The one place the signing rules of 21 CFR 11.200(a)(1) live.
/// </summary>
/// <remarks>
/// <para>11.200(a)(1)(i): the first signing during a continuous period of controlled access uses all
/// the signature's components; later signings in that period use at least one component, which only
/// the individual knows. Here the period is one sign-in (<see cref="StaffSignIns"/>, ended by
/// sign-out, the idle time-out or its longest life), and the components are the identity the
/// sign-in carries, the password and, when the account has one, the authenticator code. So the first
/// signing of a sign-in asks for the password and the code; later ones ask for the password alone.
/// A sign-in that cannot be found (made before sign-ins were recorded) always counts as first.</para>
/// <para>Wrong passwords and codes count towards the account's lockout, as at sign-in, so a sign-in
/// left open cannot be used to guess them.</para>
/// </remarks>
/// <para>Every signing that passes is recorded on the system audit trail as <c>staff.signature.authenticated</c>: what was
/// being signed, with which components, and whether it was the sign-in's first (21 CFR 11.10(e), 11.200(a)(1)).
/// The signature itself is on the record it belongs to (the session's chain, the ethics decision, the account).</para>
public sealed class StaffSignatures(
    StaffUserManager users, SignInManager<StaffUser> signIn, ConsentDbContext db, TimeProvider clock, SystemEvents.SystemAudit audit)
{
    public const string Countersignature = "countersignature";
    public const string CheckinDecision = "checkin-decision";
    public const string WorkflowDecision = "workflow-decision";
    public const string Training = "training-attestation";
    public const string PaperAttestation = "paper-attestation";

    /// <summary>Whether the sign-in's next signature needs the authenticator code as well as the password.</summary>
    public async Task<bool> NeedsCodeAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var user = await users.GetUserAsync(principal);
        return user is { TwoFactorEnabled: true } && !await HasSignedAsync(principal, ct);
    }

    /// <summary>
    /// The signer when the components are right; otherwise the form field at fault (<c>password</c> or
    /// <c>code</c>) and what to do. Marks the sign-in as having signed.
    /// </summary>
    /// <param name="what">What is being signed (<see cref="Countersignature"/> and the others), for the audit trail.</param>
    /// <param name="sessionId">The consent session it concerns, if any.</param>
    public async Task<(StaffUser? Signer, FieldErrors? Refused)> CheckAsync(
        ClaimsPrincipal principal, string? password, string? code, string what, Guid? sessionId = null, CancellationToken ct = default)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return (null, FieldErrors.One("password", "Your sign-in has ended. Sign in again to sign."));
        }

        // Decided under the account's row lock from the account as stored, as a sign-in and a password change are: a burst of
        // signatures from a live sign-in was otherwise each checked before the first failures counted (an outside re-check
        // had 11 to 14 passwords checked, and a right one among them accepted and resetting the count).
        await using var own = await users.LockAndReloadAsync(user);
        var checkedNow = await CheckLockedAsync(user, principal, password, code, what, sessionId, ct);
        if (own is not null)
        {
            await own.CommitAsync(ct);
        }

        return checkedNow;
    }

    private async Task<(StaffUser? Signer, FieldErrors? Refused)> CheckLockedAsync(
        StaffUser user, ClaimsPrincipal principal, string? password, string? code, string what, Guid? sessionId, CancellationToken ct)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return (null, FieldErrors.One("password",
                "Your account is locked for a while after repeated wrong passwords or codes, so you cannot sign now. Try again later, or ask an administrator."));
        }

        // 21 CFR 11.200(a)(2)-(3): a temporary password was made by an admin, so it signs nothing; the holder
        // first chooses their own (their account page).
        if (user.TemporaryPasswordExpiresAt is not null)
        {
            return (null, FieldErrors.One("password",
                "You are signed in with a temporary password, which an administrator issued, so it cannot sign. Choose your own password on your account page first."));
        }

        if (string.IsNullOrEmpty(password) || !(await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true)).Succeeded)
        {
            return (null, FieldErrors.One("password", await users.IsLockedOutAsync(user)
                ? "Your account is locked for a while after repeated wrong passwords or codes, so you cannot sign now. Try again later, or ask an administrator."
                : "The password is not correct (repeated failures lock the account)."));
        }

        var first = !await HasSignedAsync(principal, ct);
        if (user.TwoFactorEnabled && first)
        {
            var typed = (code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (typed.Length == 0)
            {
                return (null, FieldErrors.One("code",
                    "Your first signature since you signed in needs the code from your authenticator app as well as your password (21 CFR 11.200(a)(1)). Later ones need the password only."));
            }

            if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, typed))
            {
                await users.AccessFailedAsync(user);
                return (null, FieldErrors.One("code",
                    "That code is not right, or it was used already (each code works once): enter the next code your authenticator app shows."));
            }
        }

        await users.ResetAccessFailedCountAsync(user);
        if (StaffSignIns.IdOf(principal) is { } id)
        {
            var now = clock.GetUtcNow();
            await db.StaffSignIns.Where(s => s.Id == id && s.UserId == user.Id && s.FirstSignatureAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.FirstSignatureAt, now), ct);
        }

        var components = user.TwoFactorEnabled && first ? new System.Text.Json.Nodes.JsonArray("identity", "password", "authenticator-code") : new System.Text.Json.Nodes.JsonArray("identity", "password");
        audit.Record(SystemEvents.SystemEventTypes.SignatureAuthenticated,
            new System.Text.Json.Nodes.JsonObject { ["what"] = what, ["components"] = components, ["firstInSignIn"] = first }, sessionId: sessionId, by: principal);
        return (user, null);
    }

    private async Task<bool> HasSignedAsync(ClaimsPrincipal principal, CancellationToken ct) =>
        StaffSignIns.IdOf(principal) is { } id && Sessions.StaffAccess.UserId(principal) is { } userId
        && await db.StaffSignIns.AsNoTracking().AnyAsync(s => s.Id == id && s.UserId == userId && s.FirstSignatureAt != null, ct);
}
