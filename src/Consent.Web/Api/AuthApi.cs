using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Api;

/// <summary><c>POST /api/v1/auth/login</c>: a bearer token for staff API clients; <c>POST /api/v1/auth/logout</c> ends it.</summary>
public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.Login);
        group.MapPost("/logout", LogoutAsync).RequireAuthorization(Policies.Staff);
        group.MapPost("/password/forgot", ForgotPasswordAsync).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.Login);
        group.MapPost("/link/password", SetPasswordFromLinkAsync).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.Login);
    }

    /// <summary>Request body of <c>POST /api/v1/auth/password/forgot</c>.</summary>
    public sealed record ForgotRequest(string? Email);

    /// <summary>Request body of <c>POST /api/v1/auth/link/password</c>: the token from the emailed link (or the whole link) and the password to set.</summary>
    public sealed record LinkPasswordRequest(string? Token, string? Password);

    /// <summary>What setting a password from a link did: an invitation activates the account and carries the one-time code that starts an authenticator set-up.</summary>
    public sealed record LinkPasswordSet(string Purpose, string Email, string? TwoFactorEnrolmentCode, DateTimeOffset? TwoFactorEnrolmentCodeExpiresAt);

    /// <summary>
    /// Mails a password-reset link (valid one hour) to the account with this email, when there is an
    /// active one. Always 202, so the answer does not tell which emails have accounts.
    /// </summary>
    internal static async Task<Results<Accepted, ValidationProblem>> ForgotPasswordAsync(ForgotRequest body, UseCases.Staff.StaffLinks links)
    {
        if (string.IsNullOrWhiteSpace(body.Email))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["Enter the email address of your account."] });
        }

        await links.RequestResetAsync(body.Email);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>
    /// Sets the password with an emailed link: an invitation (the first password) or a reset. The link
    /// is used up; every other sign-in of the account ends. Sign in afterwards with <c>/login</c>.
    /// </summary>
    internal static async Task<Results<Ok<LinkPasswordSet>, ValidationProblem>> SetPasswordFromLinkAsync(LinkPasswordRequest body, UseCases.Staff.StaffLinks links) =>
        await links.SetPasswordAsync(body.Token, body.Password) switch
        {
            UseCases.Outcome<UseCases.Staff.PasswordSetFromLink>.Ok { Value: var set } => TypedResults.Ok(new LinkPasswordSet(
                set.Invitation ? AccountLinks.Invitation : AccountLinks.PasswordReset, set.User.Email!, set.EnrolmentCode?.Code, set.EnrolmentCode?.ExpiresAt)),
            UseCases.Outcome<UseCases.Staff.PasswordSetFromLink>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = ["This link does not work."] }),
        };

    /// <summary>Request body of the login call.</summary>
    public sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode);

    /// <summary>
    /// A bearer token and its lifetime in seconds. There is no refresh token: when it expires, sign
    /// in again (a refresh token nothing could redeem was dropped, issue 11).
    /// </summary>
    public sealed record BearerToken(string TokenType, string AccessToken, long ExpiresIn);

    /// <remarks>
    /// Wrong email, wrong password, a locked and a deactivated account all answer the same 401, so
    /// the answer never reveals whether an account exists. Failures count towards lockout.
    /// </remarks>
    internal static async Task<Results<Ok<BearerToken>, ProblemHttpResult, ValidationProblem>> LoginAsync(
        LoginRequest request, StaffSignIn staffSignIn, SignInManager<StaffUser> signIn, StaffSignIns signIns, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["credentials"] = ["Email and password are required."],
            });
        }

        var attempt = await staffSignIn.CheckAsync(request.Email, request.Password, request.TwoFactorCode);
        switch (attempt.Outcome)
        {
            case SignInOutcome.Refused:
                return TypedResults.Problem(
                    title: "Sign-in failed",
                    detail: "The email or password is not correct, or the account is locked for a while after repeated failures.",
                    statusCode: StatusCodes.Status401Unauthorized);
            case SignInOutcome.SecondFactorNeeded:
                return TypedResults.Problem(
                    title: "Two-factor code required",
                    detail: "This account uses two-factor authentication: send the current code from the authenticator app as twoFactorCode.",
                    statusCode: StatusCodes.Status401Unauthorized);
        }

        return TypedResults.Ok(await IssueAsync(attempt.User!, await signIns.StartAsync(attempt.User!, attempt.PassedSecondFactor), signIn, bearer, clock));
    }

    /// <summary>A bearer token for the account, carrying the sign-in's claims (<see cref="StaffSignIns.StartAsync"/>: second factor, id, start).</summary>
    internal static async Task<BearerToken> IssueAsync(
        StaffUser user, IEnumerable<Claim> signInClaims, SignInManager<StaffUser> signIn, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
    {
        var principal = await signIn.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaims(signInClaims);

        // The ticket the bearer-token handler would write, without the refresh token it adds.
        var options = bearer.Get(IdentityConstants.BearerScheme);
        var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = clock.GetUtcNow() + options.BearerTokenExpiration },
            IdentityConstants.BearerScheme + ":AccessToken");
        return new BearerToken("Bearer", options.BearerTokenProtector.Protect(ticket), (long)options.BearerTokenExpiration.TotalSeconds);
    }

    /// <summary>
    /// Rotates the account's security stamp, which ends this token and every other sign-in of the
    /// account (other tokens, cookies), on every node within a minute.
    /// </summary>
    internal static async Task<NoContent> LogoutAsync(ClaimsPrincipal principal, UserManager<StaffUser> users, HttpContext http, SystemEvents.SystemAudit audit)
    {
        if (await users.GetUserAsync(principal) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
            audit.Record(SystemEvents.SystemEventTypes.SignedOut);
        }

        if (http.Request.Cookies.ContainsKey(IdentityRegistration.StaffCookie))
        {
            await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        }

        return TypedResults.NoContent();
    }
}
