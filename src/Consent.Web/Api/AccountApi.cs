using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Consent.Web.Api;

/// <summary>The signed-in staff member's own account: who am I, and TOTP two-factor set-up.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/account").WithTags("Account").RequireAuthorization(Policies.Staff);
        group.MapGet("/", GetAsync);
        group.MapPost("/two-factor/setup", SetupTwoFactorAsync);
        group.MapPost("/two-factor/enable", EnableTwoFactorAsync);
    }

    /// <summary>The signed-in staff member.</summary>
    public sealed record AccountView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled);

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
        return TypedResults.Ok(new AccountView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled));
    }

    internal static async Task<Results<Ok<TwoFactorSetup>, UnauthorizedHttpResult>> SetupTwoFactorAsync(ClaimsPrincipal principal, UserManager<StaffUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        await users.ResetAuthenticatorKeyAsync(user);
        var key = await users.GetAuthenticatorKeyAsync(user) ?? "";
        var uri = string.Format(CultureInfo.InvariantCulture, "otpauth://totp/{0}:{1}?secret={2}&issuer={0}&digits=6",
            UrlEncoder.Default.Encode("Consent"), UrlEncoder.Default.Encode(user.Email ?? ""), key);
        return TypedResults.Ok(new TwoFactorSetup(key, uri));
    }

    internal static async Task<Results<NoContent, UnauthorizedHttpResult, ValidationProblem>> EnableTwoFactorAsync(
        TwoFactorCode body, ClaimsPrincipal principal, UserManager<StaffUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
        {
            return TypedResults.Unauthorized();
        }

        var code = (body.Code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (code.Length == 0 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["The code is not valid. Check the time on your phone and try the current code."] });
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        return TypedResults.NoContent();
    }
}
