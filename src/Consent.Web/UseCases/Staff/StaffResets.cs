using System.Security.Claims;
using System.Text.Json.Nodes;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.SystemEvents;

namespace Consent.Web.UseCases.Staff;

/// <summary>
/// An admin's resets of a staff account that lost its way in: a temporary password and a new
/// second-factor enrolment. Each ends the account's sign-ins and answers with a secret shown this once.
/// </summary>
/// <remarks>
/// Neither can be used on the admin's own account (a conflict): an admin changes their own password
/// and authenticator on their account page, which asks for the current ones.
/// </remarks>
public sealed class StaffResets(StaffUserManager users, StaffPasswords passwords, TwoFactorEnrolment enrolment, TimeProvider clock, SystemAudit audit)
{
    /// <summary>
    /// Sets a random temporary password, lifts a lockout and ends the account's sign-ins. The staff
    /// member must choose their own at the next sign-in; until then the account reaches only itself.
    /// </summary>
    public async Task<Outcome<TemporaryPasswordSet>> ResetPasswordAsync(Guid id, ClaimsPrincipal caller)
    {
        if (StaffAccess.UserId(caller) == id)
        {
            return OwnAccount("password", "password");
        }

        if (await users.FindByIdAsync(id.ToString()) is not { } user)
        {
            return Missing.Nothing;
        }

        if (await users.IsChangedOutsideAsync(user))
        {
            return StaffView.ChangedOutside;
        }

        var temporary = await passwords.ResetAsync(user, StaffAccess.UserId(caller)!.Value);
        audit.Record(SystemEventTypes.PasswordReset, new JsonObject { ["account"] = user.Id.ToString("D"), ["email"] = user.Email }, by: caller);
        return new TemporaryPasswordSet(await StaffView.OfAsync(users, user, clock), temporary);
    }

    /// <summary>Turns the account's second factor off, ends its sign-ins and issues a new enrolment code.</summary>
    public async Task<Outcome<EnrolmentCodeIssued>> ResetTwoFactorAsync(Guid id, ClaimsPrincipal caller)
    {
        if (StaffAccess.UserId(caller) == id)
        {
            return OwnAccount("second factor", "authenticator");
        }

        if (await users.FindByIdAsync(id.ToString()) is not { } user)
        {
            return Missing.Nothing;
        }

        if (await users.IsChangedOutsideAsync(user))
        {
            return StaffView.ChangedOutside;
        }

        var code = await enrolment.ResetAsync(user, StaffAccess.UserId(caller));
        audit.Record(SystemEventTypes.TwoFactorReset, new JsonObject { ["account"] = user.Id.ToString("D"), ["email"] = user.Email }, by: caller);
        return new EnrolmentCodeIssued(await StaffView.OfAsync(users, user, clock), code);
    }

    private static Refusal OwnAccount(string what, string ownPageWord) => new(RefusedAs.Conflict, $"Cannot reset your own {what}",
        $"Change your own {ownPageWord} on your account page (/account), which asks for the current one; another admin can reset it for you.");
}
