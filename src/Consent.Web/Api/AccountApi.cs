using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Consent.Web.Data.Entities;
using Consent.Web.Hosting;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Consent.Web.Api;

/// <summary>The signed-in staff member's own account: who am I, the password, and TOTP two-factor set-up.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/account").WithTags("Account").RequireAuthorization(Policies.Staff);
        group.MapGet("/", GetAsync);
        group.MapPost("/password", ChangePasswordAsync);
        group.MapPost("/two-factor/setup", SetupTwoFactorAsync);
        group.MapPost("/two-factor/enable", EnableTwoFactorAsync);
    }

    /// <summary>The signed-in staff member; <c>passwordChangeRequired</c> after an admin's reset, until they choose their own.</summary>
    public sealed record AccountView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool PasswordChangeRequired);

    /// <summary>The current password and the new one.</summary>
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    /// <summary>
    /// What starts a two-factor set-up: the one-time enrolment code from an admin while two-factor is
    /// off, or a code from the authenticator in use to replace it.
    /// </summary>
    public sealed record TwoFactorStart(string? EnrolmentCode, string? Code);

    /// <summary>The shared key and otpauth URI for an authenticator app.</summary>
    public sealed record TwoFactorSetup(string SharedKey, string AuthenticatorUri);

    /// <summary>A code from the authenticator app.</summary>
    public sealed record TwoFactorCode(string? Code);

    internal static async Task<Results<Ok<AccountView>, UnauthorizedHttpResult>> GetAsync(ClaimsPrincipal principal, UserManager<StaffUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var roles = await users.GetRolesAsync(user);
        return TypedResults.Ok(new AccountView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled,
            user.TemporaryPasswordExpiresAt is not null));
    }

    /// <summary>
    /// Changes the password. Every other sign-in of the account ends (its security stamp changes); the
    /// caller gets a new bearer token (and a renewed cookie, when it used one) to carry on.
    /// </summary>
    internal static async Task<Results<Ok<AuthApi.BearerToken>, UnauthorizedHttpResult, ValidationProblem>> ChangePasswordAsync(
        PasswordChange body, ClaimsPrincipal principal, HttpContext http, UserManager<StaffUser> users, StaffPasswords passwords,
        SignInManager<StaffUser> signIn, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
    {
        if (await users.GetUserAsync(principal) is not { } user)
        {
            return TypedResults.Unauthorized();
        }

        if (await passwords.ChangeAsync(user, body.CurrentPassword, body.NewPassword) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var secondFactor = new Claim(Policies.TwoFactorClaim, principal.HasClaim(Policies.TwoFactorClaim, "true") ? "true" : "false");
        if (http.Request.Cookies.ContainsKey(IdentityRegistration.StaffCookie))
        {
            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [secondFactor]);
        }

        return TypedResults.Ok(await AuthApi.IssueAsync(user, secondFactor, signIn, bearer, clock));
    }

    /// <summary>
    /// A new shared key, which works once a code from it confirms it (<c>enable</c>). Needs the
    /// admin's one-time enrolment code, or, to replace an authenticator, a code from the current one:
    /// the password alone does not let anyone attach their own authenticator to the account.
    /// </summary>
    internal static async Task<Results<Ok<TwoFactorSetup>, UnauthorizedHttpResult, ValidationProblem>> SetupTwoFactorAsync(
        TwoFactorStart? body, ClaimsPrincipal principal, UserManager<StaffUser> users, TwoFactorEnrolment enrolment)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var started = await enrolment.StartAsync(user, body?.EnrolmentCode, body?.Code);
        if (started.Key is not { } key)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [started.Field!] = [started.Error!] });
        }

        return TypedResults.Ok(new TwoFactorSetup(key, AuthenticatorUri(user, key)));
    }

    /// <summary>Turns two-factor on with the key from set-up, and ends every sign-in of the account: sign in again with the next code.</summary>
    internal static async Task<Results<NoContent, UnauthorizedHttpResult, ValidationProblem>> EnableTwoFactorAsync(
        TwoFactorCode body, ClaimsPrincipal principal, UserManager<StaffUser> users, TwoFactorEnrolment enrolment)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        if (!await enrolment.ConfirmAsync(user, body.Code))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["code"] = ["The code is not valid: set up with your enrolment code first, then send the current code from the new key. Check the time on your phone."],
            });
        }

        return TypedResults.NoContent();
    }

    /// <summary>The otpauth URI an authenticator app reads (from a QR code or a link).</summary>
    public static string AuthenticatorUri(StaffUser user, string key) =>
        string.Format(CultureInfo.InvariantCulture, "otpauth://totp/{0}:{1}?secret={2}&issuer={0}&digits=6",
            UrlEncoder.Default.Encode("Consent"), UrlEncoder.Default.Encode(user.Email ?? ""), key);
}
