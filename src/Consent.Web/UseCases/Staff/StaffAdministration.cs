using System.Security.Claims;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Staff;

/// <summary>Staff accounts and roles, for admins: create, change roles, deactivate and reactivate (never delete). The admin page and API call these.</summary>
public sealed class StaffAdministration(StaffUserManager users, TimeProvider clock)
{
    public async Task<List<StaffView>> ListAsync()
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync();
        var views = new List<StaffView>(all.Count);
        foreach (var user in all)
        {
            views.Add(await ViewAsync(user));
        }

        return views;
    }

    /// <remarks>An email that any account ever had, deactivated ones included, is refused: accounts are never deleted, so an email is never reused.</remarks>
    public async Task<Outcome<StaffView>> CreateAsync(CreateStaff input)
    {
        var errors = new Dictionary<string, string[]>();
        var (email, emailError) = EmailInput.Clean(input.Email, "email", required: true);
        if (emailError is not null)
        {
            errors["email"] = [emailError];
        }

        // The display name is printed on every record the staff member countersigns.
        var (displayName, nameError) = TextInput.Clean(input.DisplayName, "displayName", 200);
        if (nameError is not null)
        {
            errors["displayName"] = [nameError];
        }

        if (input.Roles is null or { Count: 0 })
        {
            errors["roles"] = ["At least one role is required."];
        }
        else if (RoleErrors(input.Roles) is { } roleError)
        {
            errors["roles"] = [roleError];
        }

        if (string.IsNullOrEmpty(input.Password))
        {
            errors["password"] = ["An initial password is required."];
        }

        if (errors.Count > 0)
        {
            return new FieldErrors(errors);
        }

        if (await users.FindByEmailAsync(email!) is not null)
        {
            return new Refusal(RefusedAs.Conflict, "Account exists",
                "A staff account with this email already exists (perhaps deactivated: reactivate it instead).");
        }

        var user = new StaffUser { UserName = email, Email = email, DisplayName = displayName!, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user, input.Password!);
        if (!created.Succeeded)
        {
            return new FieldErrors(new Dictionary<string, string[]> { ["password"] = [.. created.Errors.Select(e => e.Description)] });
        }

        await users.AddToRolesAsync(user, input.Roles!);
        return await ViewAsync(user);
    }

    /// <remarks>
    /// The account's existing sign-ins end (its security stamp is rotated); it signs in again to use
    /// its new roles. An empty set parks an account that can still sign in and reach only itself.
    /// </remarks>
    public async Task<Outcome<StaffView>> SetRolesAsync(Guid id, SetRoles input)
    {
        if (RoleErrors(input.Roles) is { } roleError)
        {
            return FieldErrors.One("roles", roleError);
        }

        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return Missing.Nothing;
        }

        var current = await users.GetRolesAsync(user);
        if (current.Contains(StaffRoles.Admin) && !input.Roles!.Contains(StaffRoles.Admin) && !await AnotherActiveAdminAsync(user))
        {
            return new Refusal(RefusedAs.Conflict, "Last admin",
                "This is the only active admin account; make another admin first, so the clinic is never left without one.");
        }

        await users.RemoveFromRolesAsync(user, current.Except(input.Roles!));
        await users.AddToRolesAsync(user, input.Roles!.Except(current));
        return await ViewAsync(user);
    }

    /// <summary>Ends every sign-in of the account and refuses new ones; idempotent.</summary>
    public async Task<Outcome<StaffView>> DeactivateAsync(Guid id, ClaimsPrincipal caller)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return Missing.Nothing;
        }

        // The caller is an active admin, so refusing their own account is enough for the clinic
        // never to lose its last one this way.
        if (StaffAccess.UserId(caller) == user.Id)
        {
            return new Refusal(RefusedAs.Conflict, "Cannot deactivate yourself",
                "Another admin must deactivate your account, so the clinic is never left without one.");
        }

        await users.DeactivateAsync(user);
        return await ViewAsync(user);
    }

    /// <summary>Lets the account sign in again, with the roles it held; idempotent.</summary>
    public async Task<Outcome<StaffView>> ReactivateAsync(Guid id)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return Missing.Nothing;
        }

        await users.ReactivateAsync(user);
        return await ViewAsync(user);
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

    private async Task<bool> AnotherActiveAdminAsync(StaffUser user) =>
        (await users.GetUsersInRoleAsync(StaffRoles.Admin)).Any(admin => admin.Id != user.Id && admin.DeactivatedAt is null);

    private async Task<StaffView> ViewAsync(StaffUser user)
    {
        var roles = await users.GetRolesAsync(user);
        var locked = user.LockoutEnd is { } end && end > clock.GetUtcNow();
        return new StaffView(user.Id, user.Email ?? "", user.DisplayName, [.. roles.Order(StringComparer.Ordinal)], user.TwoFactorEnabled, locked,
            user.DeactivatedAt is null, user.DeactivatedAt);
    }
}
