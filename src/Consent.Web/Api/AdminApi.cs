using System.Security.Claims;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Api;

/// <summary>
/// Staff accounts and roles, for admins: create, change roles, deactivate and reactivate (never
/// delete); resetting a password or a second factor is in <see cref="StaffResetsApi"/>.
/// </summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/users").WithTags("Admin").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:guid}/roles", SetRolesAsync);
        group.MapPost("/{id:guid}/deactivate", DeactivateAsync);
        group.MapPost("/{id:guid}/reactivate", ReactivateAsync);
        group.MapPost("/{id:guid}/password/reset", StaffResetsApi.ResetPasswordAsync);
        group.MapPost("/{id:guid}/two-factor/reset", StaffResetsApi.ResetTwoFactorAsync);
    }

    /// <summary>
    /// A staff account as an admin sees it; a deactivated account has <c>active</c> false and when it
    /// was deactivated; <c>passwordChangeRequired</c> while it holds a temporary password from a reset.
    /// </summary>
    public record StaffView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool LockedOut,
        bool Active, DateTimeOffset? DeactivatedAt, bool PasswordChangeRequired);

    /// <summary>
    /// A new staff account with its initial password and roles. With <c>passwordIsTemporary</c> (what
    /// <c>/admin/users</c> sends) the staff member must replace the password at the first sign-in.
    /// </summary>
    public sealed record CreateStaff(string? Email, string? DisplayName, string? Password, IReadOnlyList<string>? Roles, bool? PasswordIsTemporary = null);

    /// <summary>The complete set of roles a staff account should hold; empty takes every role away.</summary>
    public sealed record SetRoles(IReadOnlyList<string>? Roles);

    internal static async Task<Ok<List<StaffView>>> ListAsync(UserManager<StaffUser> users, TimeProvider clock)
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync();
        var views = new List<StaffView>(all.Count);
        foreach (var user in all)
        {
            views.Add(await ViewAsync(users, user, clock));
        }

        return TypedResults.Ok(views);
    }

    /// <remarks>
    /// An email that any account ever had, deactivated ones included, is refused: accounts are never
    /// deleted, so an email is never reused. The answer carries the account's two-factor enrolment
    /// code, shown this once, to give the staff member apart from the password.
    /// </remarks>
    internal static async Task<Results<Created<StaffResetsApi.EnrolmentCodeIssued>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateStaff body, ClaimsPrincipal caller, UserManager<StaffUser> users, TwoFactorEnrolment enrolment, TimeProvider clock)
    {
        var errors = new Dictionary<string, string[]>();
        var (email, emailError) = EmailInput.Clean(body.Email, "email", required: true);
        if (emailError is not null)
        {
            errors["email"] = [emailError];
        }

        // The display name is printed on every record the staff member countersigns.
        var (displayName, nameError) = TextInput.Clean(body.DisplayName, "displayName", 200);
        if (nameError is not null)
        {
            errors["displayName"] = [nameError];
        }

        if (body.Roles is null or { Count: 0 })
        {
            errors["roles"] = ["At least one role is required."];
        }
        else if (RoleErrors(body.Roles) is { } roleError)
        {
            errors["roles"] = [roleError];
        }

        if (string.IsNullOrEmpty(body.Password))
        {
            errors["password"] = ["An initial password is required."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await users.FindByEmailAsync(email!) is not null)
        {
            return TypedResults.Problem(title: "Account exists", detail: "A staff account with this email already exists (perhaps deactivated: reactivate it instead).",
                statusCode: StatusCodes.Status409Conflict);
        }

        var user = new StaffUser
        {
            UserName = email, Email = email, DisplayName = displayName!, CreatedAt = clock.GetUtcNow(),
            TemporaryPasswordExpiresAt = body.PasswordIsTemporary == true ? clock.GetUtcNow() + StaffPasswords.TemporaryLifetime : null,
        };
        var created = await users.CreateAsync(user, body.Password!);
        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [.. created.Errors.Select(e => e.Description)] });
        }

        await users.AddToRolesAsync(user, body.Roles!);
        var code = await enrolment.IssueAsync(user, StaffAccess.UserId(caller));
        return TypedResults.Created($"/api/v1/admin/users/{user.Id}", new StaffResetsApi.EnrolmentCodeIssued(await ViewAsync(users, user, clock), code));
    }

    /// <remarks>
    /// The account's existing sign-ins end (its security stamp is rotated); it signs in again to use
    /// its new roles. An empty set parks an account that can still sign in and reach only itself.
    /// </remarks>
    internal static async Task<Results<Ok<StaffView>, NotFound, ValidationProblem, ProblemHttpResult>> SetRolesAsync(
        Guid id, SetRoles body, StaffUserManager users, ConsentDbContext db, TimeProvider clock)
    {
        if (RoleErrors(body.Roles) is { } roleError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = [roleError] });
        }

        return await LastActiveAdmin.SerializeAsync<Results<Ok<StaffView>, NotFound, ValidationProblem, ProblemHttpResult>>(db, async () =>
        {
            var user = await users.FindByIdAsync(id.ToString());
            if (user is null)
            {
                return TypedResults.NotFound();
            }

            var current = await users.GetRolesAsync(user);
            if (current.Contains(StaffRoles.Admin) && !body.Roles!.Contains(StaffRoles.Admin) && !await LastActiveAdmin.AnotherExistsAsync(db, user.Id, users.AdminNeedsSecondFactor))
            {
                return LastAdmin();
            }

            await users.RemoveFromRolesAsync(user, current.Except(body.Roles!));
            await users.AddToRolesAsync(user, body.Roles!.Except(current));
            return TypedResults.Ok(await ViewAsync(users, user, clock));
        });
    }

    /// <summary>Ends every sign-in of the account and refuses new ones; idempotent.</summary>
    internal static async Task<Results<Ok<StaffView>, NotFound, ProblemHttpResult>> DeactivateAsync(
        Guid id, ClaimsPrincipal caller, StaffUserManager users, ConsentDbContext db, TimeProvider clock)
    {
        if (StaffAccess.UserId(caller) == id)
        {
            return TypedResults.Problem(title: "Cannot deactivate yourself",
                detail: "Another admin must deactivate your account, so the clinic is never left without one.", statusCode: StatusCodes.Status409Conflict);
        }

        return await LastActiveAdmin.SerializeAsync<Results<Ok<StaffView>, NotFound, ProblemHttpResult>>(db, async () =>
        {
            var user = await users.FindByIdAsync(id.ToString());
            if (user is null)
            {
                return TypedResults.NotFound();
            }

            // The caller may have been deactivated a moment ago by the admin they are deactivating.
            if (user.DeactivatedAt is null && await users.IsInRoleAsync(user, StaffRoles.Admin) && !await LastActiveAdmin.AnotherExistsAsync(db, user.Id, users.AdminNeedsSecondFactor))
            {
                return LastAdmin();
            }

            await users.DeactivateAsync(user);
            return TypedResults.Ok(await ViewAsync(users, user, clock));
        });
    }

    /// <summary>Lets the account sign in again, with the roles it held; idempotent.</summary>
    internal static async Task<Results<Ok<StaffView>, NotFound>> ReactivateAsync(Guid id, StaffUserManager users, TimeProvider clock)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        await users.ReactivateAsync(user);
        return TypedResults.Ok(await ViewAsync(users, user, clock));
    }

    /// <summary>Null means a valid set: known roles only; empty is allowed.</summary>
    private static string? RoleErrors(IReadOnlyList<string>? roles)
    {
        if (roles is null)
        {
            return "roles is required: the complete list of roles the account should hold (an empty list takes every role away).";
        }

        var unknown = roles.Where(r => !StaffRoles.All.Contains(r)).ToList();
        return unknown.Count > 0 ? $"Unknown role(s): {string.Join(", ", unknown)}. Roles are {string.Join(", ", StaffRoles.All)}." : null;
    }

    private static ProblemHttpResult LastAdmin() => TypedResults.Problem(title: "Last admin",
        detail: "This is the only active admin account; make another admin first, so the clinic is never left without one.",
        statusCode: StatusCodes.Status409Conflict);

    internal static async Task<StaffView> ViewAsync(UserManager<StaffUser> users, StaffUser user, TimeProvider clock)
    {
        var roles = await users.GetRolesAsync(user);
        var locked = user.LockoutEnd is { } end && end > clock.GetUtcNow();
        return new StaffView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled, locked,
            user.DeactivatedAt is null, user.DeactivatedAt, user.TemporaryPasswordExpiresAt is not null);
    }
}
