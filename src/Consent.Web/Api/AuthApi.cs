using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Api;

/// <summary><c>POST /api/v1/auth/login</c>: a bearer token for staff API clients.</summary>
public static class AuthApi
{
    public static void MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(Hosting.RateLimits.Login);
    }

    /// <summary>Request body of the login call.</summary>
    public sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode);

    /// <remarks>
    /// Wrong email, wrong password and a locked account all answer the same 401, so the answer
    /// never reveals whether an account exists. Failures count towards lockout.
    /// </remarks>
    internal static async Task<Results<EmptyHttpResult, SignInHttpResult, ProblemHttpResult, ValidationProblem>> LoginAsync(
        LoginRequest request, UserManager<StaffUser> users, SignInManager<StaffUser> signIn)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["credentials"] = ["Email and password are required."],
            });
        }

        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is null)
        {
            return Unauthorized();
        }

        var check = await signIn.CheckPasswordSignInAsync(user, request.Password, lockoutOnFailure: true);
        if (!check.Succeeded)
        {
            return Unauthorized();
        }

        var passedSecondFactor = false;
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            var code = (request.TwoFactorCode ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
            if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
            {
                await users.AccessFailedAsync(user);
                return TypedResults.Problem(
                    title: "Two-factor code required",
                    detail: "This account uses two-factor authentication: send the current code from the authenticator app as twoFactorCode.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            passedSecondFactor = true;
        }

        await users.ResetAccessFailedCountAsync(user);
        var principal = await signIn.CreateUserPrincipalAsync(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(Policies.TwoFactorClaim, passedSecondFactor ? "true" : "false"));
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }

    private static ProblemHttpResult Unauthorized() => TypedResults.Problem(
        title: "Sign-in failed",
        detail: "The email or password is not correct, or the account is locked for a while after repeated failures.",
        statusCode: StatusCodes.Status401Unauthorized);
}
