using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Api;

/// <summary>
/// An admin's resets of a staff account that lost its way in: a temporary password
/// (<c>POST /api/v1/admin/users/{id}/password/reset</c>) and a new second-factor enrolment
/// (<c>…/two-factor/reset</c>). Each ends the account's sign-ins and answers with a secret shown this once.
/// </summary>
/// <remarks>
/// Neither can be used on the admin's own account (409): an admin changes their own password and
/// authenticator on their account page, which asks for the current ones.
/// </remarks>
public static class StaffResetsApi
{
    /// <summary>A staff account with the two-factor enrolment code just issued for it, shown this once.</summary>
    public sealed record EnrolmentCodeIssued : AdminApi.StaffView
    {
        public EnrolmentCodeIssued(AdminApi.StaffView account, TwoFactorEnrolment.IssuedCode code)
            : base(account)
        {
            TwoFactorEnrolmentCode = code.Code;
            TwoFactorEnrolmentCodeExpiresAt = code.ExpiresAt;
        }

        public string TwoFactorEnrolmentCode { get; }

        public DateTimeOffset TwoFactorEnrolmentCodeExpiresAt { get; }
    }

    /// <summary>A staff account with the temporary password just set for it, shown this once.</summary>
    public sealed record TemporaryPasswordSet : AdminApi.StaffView
    {
        public TemporaryPasswordSet(AdminApi.StaffView account, StaffPasswords.Temporary temporary)
            : base(account)
        {
            TemporaryPassword = temporary.Password;
            TemporaryPasswordExpiresAt = temporary.ExpiresAt;
        }

        public string TemporaryPassword { get; }

        public DateTimeOffset TemporaryPasswordExpiresAt { get; }
    }

    /// <summary>
    /// Sets a random temporary password, lifts a lockout and ends the account's sign-ins. The staff
    /// member must choose their own at the next sign-in; until then the account reaches only itself.
    /// </summary>
    internal static async Task<Results<Ok<TemporaryPasswordSet>, NotFound, ProblemHttpResult>> ResetPasswordAsync(
        Guid id, ClaimsPrincipal caller, UserManager<StaffUser> users, StaffPasswords passwords, TimeProvider clock)
    {
        if (StaffAccess.UserId(caller) == id)
        {
            return OwnAccount("password", "password");
        }

        if (await users.FindByIdAsync(id.ToString()) is not { } user)
        {
            return TypedResults.NotFound();
        }

        var temporary = await passwords.ResetAsync(user, StaffAccess.UserId(caller)!.Value);
        return TypedResults.Ok(new TemporaryPasswordSet(await AdminApi.ViewAsync(users, user, clock), temporary));
    }

    /// <summary>Turns the account's second factor off, ends its sign-ins and issues a new enrolment code.</summary>
    internal static async Task<Results<Ok<EnrolmentCodeIssued>, NotFound, ProblemHttpResult>> ResetTwoFactorAsync(
        Guid id, ClaimsPrincipal caller, UserManager<StaffUser> users, TwoFactorEnrolment enrolment, TimeProvider clock)
    {
        if (StaffAccess.UserId(caller) == id)
        {
            return OwnAccount("second factor", "authenticator");
        }

        if (await users.FindByIdAsync(id.ToString()) is not { } user)
        {
            return TypedResults.NotFound();
        }

        var code = await enrolment.ResetAsync(user, StaffAccess.UserId(caller));
        return TypedResults.Ok(new EnrolmentCodeIssued(await AdminApi.ViewAsync(users, user, clock), code));
    }

    private static ProblemHttpResult OwnAccount(string what, string ownPageWord) => TypedResults.Problem(
        title: $"Cannot reset your own {what}",
        detail: $"Change your own {ownPageWord} on your account page (/account), which asks for the current one; another admin can reset it for you.",
        statusCode: StatusCodes.Status409Conflict);
}
