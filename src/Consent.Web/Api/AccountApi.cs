using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Api;

/// <summary>The signed-in staff member's own account: who am I, the password, and TOTP two-factor set-up (use cases in UseCases/Staff/OwnAccount.cs).</summary>
/// <remarks>An account that no longer exists answers a bare 401, as a sign-in that names nobody.</remarks>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/account").WithTags("Account").RequireAuthorization(Policies.Staff);
        group.MapGet("/", GetAsync);
        group.MapPost("/password", ChangePasswordAsync);
        group.MapPost("/two-factor/setup", SetupTwoFactorAsync);
        group.MapPost("/two-factor/enable", EnableTwoFactorAsync);
        group.MapGet("/training", (string? language, ClaimsPrincipal principal, TrainingAttestations training) => GetTrainingAsync(language, principal, training));
        group.MapPost("/training", SignTrainingAsync);
    }

    /// <summary>Signing the training attestation: the password, the authenticator code on a sign-in's first signature, and the language read.</summary>
    public sealed record TrainingSignature(string? Password, string? Code, string? Language);

    /// <summary>The training attestation's text (<c>?language=en|es</c>), its SHA-256, and when the caller signed it.</summary>
    internal static async Task<IResult> GetTrainingAsync(string? language, ClaimsPrincipal principal, TrainingAttestations training) =>
        (await training.ViewAsync(principal, language)).ToHttp();

    /// <summary>
    /// Signs the training attestation, once: no role works before it (21 CFR 11.10(i), 11.100(c)). A
    /// wrong password or code is a 400 on that field; signing again a 409.
    /// </summary>
    internal static async Task<IResult> SignTrainingAsync(TrainingSignature body, ClaimsPrincipal principal, TrainingAttestations training) =>
        (await training.AttestAsync(principal, body.Password, body.Code, body.Language)).ToHttp();

    /// <summary>The current password and the new one.</summary>
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    /// <summary>
    /// What starts a two-factor set-up: the one-time enrolment code from an admin while two-factor is
    /// off, or a code from the authenticator in use to replace it.
    /// </summary>
    public sealed record TwoFactorStart(string? EnrolmentCode, string? Code);

    /// <summary>A code from the authenticator app.</summary>
    public sealed record TwoFactorCode(string? Code);

    internal static async Task<Results<Ok<AccountView>, UnauthorizedHttpResult>> GetAsync(ClaimsPrincipal principal, OwnAccount account) =>
        await account.ViewAsync(principal) is Outcome<AccountView>.Ok done ? TypedResults.Ok(done.Value) : TypedResults.Unauthorized();

    /// <summary>
    /// Changes the password. Every other sign-in of the account ends (its security stamp changes); the
    /// caller gets a new bearer token (and a renewed cookie, when it used one) to carry on.
    /// </summary>
    internal static async Task<Results<Ok<AuthApi.BearerToken>, UnauthorizedHttpResult, ValidationProblem>> ChangePasswordAsync(
        PasswordChange body, ClaimsPrincipal principal, HttpContext http, OwnAccount account,
        SignInManager<StaffUser> signIn, StaffSignIns signIns, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
    {
        switch (await account.ChangePasswordAsync(principal, body.CurrentPassword, body.NewPassword))
        {
            case Outcome<StaffUser>.Ok { Value: var user }:
                // The same sign-in carries on (its id and start), with the second factor it passed.
                var claims = await signIns.StartAsync(user, principal.HasClaim(Policies.TwoFactorClaim, "true"), principal);
                if (http.Request.Cookies.ContainsKey(IdentityRegistration.StaffCookie))
                {
                    await signIn.SignInWithClaimsAsync(user, isPersistent: false, claims);
                }

                return TypedResults.Ok(await AuthApi.IssueAsync(user, claims, signIn, bearer, clock));
            case Outcome<StaffUser>.Invalid invalid:
                return TypedResults.ValidationProblem(invalid.Errors);
            default:
                return TypedResults.Unauthorized();
        }
    }

    /// <summary>
    /// A new shared key, which works once a code from it confirms it (<c>enable</c>). Needs the
    /// admin's one-time enrolment code, or, to replace an authenticator, a code from the current one:
    /// the password alone does not let anyone attach their own authenticator to the account.
    /// </summary>
    internal static async Task<Results<Ok<TwoFactorSetup>, UnauthorizedHttpResult, ValidationProblem>> SetupTwoFactorAsync(
        TwoFactorStart? body, ClaimsPrincipal principal, OwnAccount account) =>
        await account.StartTwoFactorAsync(principal, body?.EnrolmentCode, body?.Code) switch
        {
            Outcome<TwoFactorSetup>.Ok done => TypedResults.Ok(done.Value),
            Outcome<TwoFactorSetup>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.Unauthorized(),
        };

    /// <summary>Turns two-factor on with the key from set-up, and ends every sign-in of the account: sign in again with the next code.</summary>
    internal static async Task<Results<NoContent, UnauthorizedHttpResult, ValidationProblem>> EnableTwoFactorAsync(
        TwoFactorCode body, ClaimsPrincipal principal, OwnAccount account) =>
        await account.ConfirmTwoFactorAsync(principal, body.Code) switch
        {
            Outcome<StaffUser>.Ok => TypedResults.NoContent(),
            Outcome<StaffUser>.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.Unauthorized(),
        };
}
