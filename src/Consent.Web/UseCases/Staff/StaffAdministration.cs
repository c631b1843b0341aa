using System.Security.Claims;
using System.Text.Json.Nodes;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.SystemEvents;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.UseCases.Staff;

/// <summary>
/// Staff accounts and roles, for admins: create, change roles, deactivate and reactivate (never
/// delete); resetting a password or a second factor is in <see cref="StaffResets"/>. The admin page and API call these.
/// </summary>
/// <remarks>
/// A change that could take the last active admin away (a deactivation, removing the Admin role)
/// checks and changes under <see cref="LastActiveAdmin"/>'s lock, so two admins acting at once
/// cannot leave the clinic without one.
/// </remarks>
/// <para>Each change is recorded on the system audit trail with the admin who made it (<see cref="SystemAudit"/>; 21 CFR 11.10(e)).</para>
public sealed class StaffAdministration(
    StaffUserManager users, ConsentDbContext db, TwoFactorEnrolment enrolment, TimeProvider clock, SystemAudit audit, AccountLinks links, Mail.StaffMail mail,
    Consent.Web.Sessions.PublicAddress address)
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

    /// <summary>
    /// Invites a new staff member: the account is made with its roles and no password, and the invitee
    /// is mailed a one-time link, valid for <see cref="AccountLinks.InvitationLifetime"/>, with which they
    /// choose their own password. The admin never knows it (21 CFR 11.200(a)(3), 11.300(a)), so the
    /// admin API takes no password: one sent is refused.
    /// </summary>
    /// <remarks>
    /// An email that any account ever had, deactivated ones included, is refused: accounts are never
    /// deleted, so an email is never reused. Without mail (no <c>Smtp:Host</c> outside Development)
    /// nobody can be invited: the answer says so and nothing is made.
    /// </remarks>
    public async Task<Outcome<StaffView>> InviteAsync(InviteStaff input, Guid? adminId)
    {
        var errors = Validate(input.Email, input.DisplayName, input.Roles, out var email, out var displayName);
        if (input.Password is not null)
        {
            errors["password"] = ["An admin no longer sets a password: the staff member chooses their own from the emailed invitation. Leave password out."];
        }

        if (errors.Count > 0)
        {
            return new FieldErrors(errors);
        }

        if (!mail.CanSend)
        {
            return new Refusal(RefusedAs.Conflict, "Mail is not configured",
                "Invitations are sent by email, and this service has no mail server (set Smtp:Host). Nothing was created.");
        }

        if (await users.FindByEmailAsync(email!) is not null)
        {
            return new Refusal(RefusedAs.Conflict, "Account exists",
                "A staff account with this email already exists (perhaps deactivated: reactivate it instead).");
        }

        var user = new StaffUser { UserName = email, Email = email, DisplayName = displayName!, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user);
        if (!created.Succeeded)
        {
            return new FieldErrors(new Dictionary<string, string[]> { ["email"] = [.. created.Errors.Select(e => e.Description)] });
        }

        await users.AddToRolesAsync(user, input.Roles!);
        var sent = await SendInvitationAsync(user);
        var detail = Account(user, new JsonArray([.. input.Roles!.Select(r => (JsonNode)r)]));
        detail["expiresAt"] = sent.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        audit.Record(SystemEventTypes.AccountInvited, detail);
        return await ViewAsync(user);
    }

    /// <summary>Mails the invitee a new link; the earlier one stops working. Only for an account that has not yet set its password.</summary>
    public async Task<Outcome<StaffView>> ResendInvitationAsync(Guid id)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return Missing.Nothing;
        }

        if (await users.IsChangedOutsideAsync(user))
        {
            return StaffView.ChangedOutside;
        }

        if (user.PasswordHash is not null || user.DeactivatedAt is not null)
        {
            return new Refusal(RefusedAs.Conflict, "Not an open invitation",
                user.DeactivatedAt is not null
                    ? "This account is deactivated: reactivate it first."
                    : "This staff member has already accepted the invitation and set a password. If they forgot it, they can reset it from the sign-in page.");
        }

        if (!mail.CanSend)
        {
            return new Refusal(RefusedAs.Conflict, "Mail is not configured", "Invitations are sent by email, and this service has no mail server (set Smtp:Host).");
        }

        var sent = await SendInvitationAsync(user);
        var detail = Account(user);
        detail["expiresAt"] = sent.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        audit.Record(SystemEventTypes.InvitationResent, detail);
        return await ViewAsync(user);
    }

    private async Task<AccountLinks.Issued> SendInvitationAsync(StaffUser user)
    {
        var issued = await links.IssueAsync(user, AccountLinks.Invitation,
            token => mail.EnqueueLink(db, user, Mail.StaffMail.Invitation, address.Base + AccountLinks.PathPrefix + token));
        mail.Wake();
        return issued;
    }

    private static Dictionary<string, string[]> Validate(string? rawEmail, string? rawName, IReadOnlyList<string>? roles, out string? email, out string? displayName)
    {
        var errors = new Dictionary<string, string[]>();
        (email, var emailError) = EmailInput.Clean(rawEmail, "email", required: true);
        if (emailError is not null)
        {
            errors["email"] = [emailError];
        }

        // The display name is printed on every record the staff member countersigns.
        (displayName, var nameError) = TextInput.Clean(rawName, "displayName", 200);
        if (nameError is not null)
        {
            errors["displayName"] = [nameError];
        }

        if (roles is null or { Count: 0 })
        {
            errors["roles"] = ["At least one role is required."];
        }
        else if (RoleErrors(roles) is { } roleError)
        {
            errors["roles"] = [roleError];
        }

        return errors;
    }

    /// <summary>
    /// The operator's <c>create-staff-account</c> command, for the first admin of a new installation
    /// (no admin exists yet to invite anyone, and mail may not be set up): an account with a password
    /// the operator hands over, temporary unless the operator chose it. Not reachable over HTTP.
    /// </summary>
    /// <remarks>
    /// The answer carries the account's two-factor enrolment code, shown this once, to give the staff
    /// member apart from the password.
    /// </remarks>
    public async Task<Outcome<EnrolmentCodeIssued>> CreateWithPasswordAsync(CreateStaff input, Guid? adminId)
    {
        var errors = Validate(input.Email, input.DisplayName, input.Roles, out var email, out var displayName);
        if (string.IsNullOrEmpty(input.Password))
        {
            errors["password"] = ["An initial password is required."];
        }
        else if (await PasswordErrorsAsync(email ?? "", displayName ?? "", input.Password) is { Length: > 0 } passwordErrors)
        {
            // With the other fields' errors, so a form shows every rule it broke at once, not one per try.
            errors["password"] = passwordErrors;
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

        var user = new StaffUser
        {
            UserName = email, Email = email, DisplayName = displayName!, CreatedAt = clock.GetUtcNow(), PasswordChangedAt = clock.GetUtcNow(),
            TemporaryPasswordExpiresAt = input.PasswordIsTemporary == true ? clock.GetUtcNow() + StaffPasswords.TemporaryLifetime : null,
        };
        var created = await users.CreateAsync(user, input.Password!);
        if (!created.Succeeded)
        {
            return new FieldErrors(new Dictionary<string, string[]> { ["password"] = [.. created.Errors.Select(e => e.Description)] });
        }

        await users.AddToRolesAsync(user, input.Roles!);
        var code = await enrolment.IssueAsync(user, adminId);
        audit.Record(SystemEventTypes.AccountCreated, Account(user, new JsonArray([.. input.Roles!.Select(r => (JsonNode)r)])));
        return new EnrolmentCodeIssued(await ViewAsync(user), code);
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

        return await LastActiveAdmin.SerializeAsync<Outcome<StaffView>>(db, async () =>
        {
            var user = await users.FindByIdAsync(id.ToString());
            if (user is null)
            {
                return Missing.Nothing;
            }

            if (await users.IsChangedOutsideAsync(user))
            {
                return StaffView.ChangedOutside;
            }

            var current = await users.GetRolesAsync(user);
            if (current.Contains(StaffRoles.Admin) && !input.Roles!.Contains(StaffRoles.Admin) && !await LastActiveAdmin.AnotherExistsAsync(db, users, user.Id))
            {
                return LastAdmin;
            }

            await users.RemoveFromRolesAsync(user, current.Except(input.Roles!));
            await users.AddToRolesAsync(user, input.Roles!.Except(current));
            var changed = Account(user, new JsonArray([.. input.Roles!.Select(r => (JsonNode)r)]));
            changed["before"] = new JsonArray([.. current.Select(r => (JsonNode)r)]);
            audit.Record(SystemEventTypes.RolesChanged, changed);
            return await ViewAsync(user);
        });
    }

    /// <summary>Ends every sign-in of the account and refuses new ones; idempotent.</summary>
    public async Task<Outcome<StaffView>> DeactivateAsync(Guid id, ClaimsPrincipal caller)
    {
        if (StaffAccess.UserId(caller) == id)
        {
            return new Refusal(RefusedAs.Conflict, "Cannot deactivate yourself",
                "Another admin must deactivate your account, so the clinic is never left without one.");
        }

        return await LastActiveAdmin.SerializeAsync<Outcome<StaffView>>(db, async () =>
        {
            var user = await users.FindByIdAsync(id.ToString());
            if (user is null)
            {
                return Missing.Nothing;
            }

            if (await users.IsChangedOutsideAsync(user))
            {
                return StaffView.ChangedOutside;
            }

            // The caller may have been deactivated a moment ago by the admin they are deactivating.
            if (user.DeactivatedAt is null && await users.IsInRoleAsync(user, StaffRoles.Admin) && !await LastActiveAdmin.AnotherExistsAsync(db, users, user.Id))
            {
                return LastAdmin;
            }

            await users.DeactivateAsync(user);
            audit.Record(SystemEventTypes.AccountDeactivated, Account(user));
            return await ViewAsync(user);
        });
    }

    /// <summary>Lets the account sign in again, with the roles it held; idempotent.</summary>
    public async Task<Outcome<StaffView>> ReactivateAsync(Guid id)
    {
        var user = await users.FindByIdAsync(id.ToString());
        if (user is null)
        {
            return Missing.Nothing;
        }

        if (await users.IsChangedOutsideAsync(user))
        {
            return StaffView.ChangedOutside;
        }

        await users.ReactivateAsync(user);
        audit.Record(SystemEventTypes.AccountReactivated, Account(user));
        return await ViewAsync(user);
    }

    /// <summary>Which account an admin changed (its id and email), and its roles when they are the change.</summary>
    private static JsonObject Account(StaffUser user, JsonArray? roles = null)
    {
        var detail = new JsonObject { ["account"] = user.Id.ToString("D"), ["email"] = user.Email };
        if (roles is not null)
        {
            detail["roles"] = roles;
        }

        return detail;
    }

    /// <summary>What the password validators (length and the rest, as Identity is configured) say against a password; empty when it passes.</summary>
    private async Task<string[]> PasswordErrorsAsync(string email, string displayName, string password)
    {
        var candidate = new StaffUser { UserName = email, Email = email, DisplayName = displayName };
        var errors = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, candidate, password);
            errors.AddRange(result.Errors.Select(e => e.Description));
        }

        return [.. errors];
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

    private static Refusal LastAdmin => new(RefusedAs.Conflict, "Last admin",
        "This is the only active admin account; make another admin first, so the clinic is never left without one.");

    private Task<StaffView> ViewAsync(StaffUser user) => StaffView.OfAsync(users, user, clock);
}
