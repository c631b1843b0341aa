using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Api;

/// <summary>Staff accounts and roles, for admins.</summary>
public static class AdminApi
{
    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/users").WithTags("Admin").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id:guid}/roles", SetRolesAsync);
    }

    /// <summary>A staff account as an admin sees it.</summary>
    public sealed record StaffView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool LockedOut);

    /// <summary>A new staff account with its initial password and roles.</summary>
    public sealed record CreateStaff(string? Email, string? DisplayName, string? Password, IReadOnlyList<string>? Roles);

    /// <summary>The complete set of roles a staff account should hold.</summary>
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

    internal static async Task<Results<Created<StaffView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateStaff body, UserManager<StaffUser> users, TimeProvider clock)
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

        if (RoleErrors(body.Roles) is { } roleError)
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
            return TypedResults.Problem(title: "Account exists", detail: "A staff account with this email already exists.", statusCode: StatusCodes.Status409Conflict);
        }

        var user = new StaffUser { UserName = email, Email = email, DisplayName = displayName!, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user, body.Password!);
        if (!created.Succeeded)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = [.. created.Errors.Select(e => e.Description)] });
        }

        await users.AddToRolesAsync(user, body.Roles!);
        return TypedResults.Created($"/api/v1/admin/users/{user.Id}", await ViewAsync(users, user, clock));
    }

    internal static async Task<Results<Ok<StaffView>, NotFound, ValidationProblem>> SetRolesAsync(
        Guid id, SetRoles body, UserManager<StaffUser> users, TimeProvider clock)
    {
        if (RoleErrors(body.Roles) is { } roleError)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["roles"] = [roleError] });
        }

        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return TypedResults.NotFound();
        }

        var current = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, current.Except(body.Roles!));
        await users.AddToRolesAsync(user, body.Roles!.Except(current));
        return TypedResults.Ok(await ViewAsync(users, user, clock));
    }

    private static string? RoleErrors(IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            return "At least one role is required.";
        }

        var unknown = roles.Where(r => !StaffRoles.All.Contains(r)).ToList();
        return unknown.Count > 0 ? $"Unknown role(s): {string.Join(", ", unknown)}. Roles are {string.Join(", ", StaffRoles.All)}." : null;
    }

    private static async Task<StaffView> ViewAsync(UserManager<StaffUser> users, StaffUser user, TimeProvider clock)
    {
        var roles = await users.GetRolesAsync(user);
        var locked = user.LockoutEnd is { } end && end > clock.GetUtcNow();
        return new StaffView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled, locked);
    }
}
