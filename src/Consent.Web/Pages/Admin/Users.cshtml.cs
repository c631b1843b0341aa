using System.Globalization;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Admin;

/// <summary>
/// Staff accounts, their roles, two-factor and active status, when each last set a password and signed
/// the training attestation; invite staff, change roles,
/// deactivate and reactivate, reset a password or a second factor (the same use cases as the admin
/// API). A code or temporary password is shown once, on the answer to the post itself, never kept in a cookie.
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class UsersModel(StaffAdministration admin, StaffResets resets, ClinicTime times) : StaffPageModel
{
    public IReadOnlyList<StaffView> Staff { get; private set; } = [];

    [BindProperty]
    public NewStaff Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    /// <summary>What a post that answers with the page itself did (<see cref="Notice"/> survives a redirect instead).</summary>
    public string? Done { get; private set; }

    /// <summary>True when the new-account form was refused: its errors show at the form, not at the top of the page.</summary>
    public bool CreateRefused { get; private set; }

    /// <summary>The new-account form's errors, in the form's order, each linked to its field.</summary>
    public ErrorSummary CreateErrors => ErrorSummary.Of(this, CreateFields);

    /// <summary>A new-account field's first error, in the page's words.</summary>
    public string? CreateError(string field) =>
        ErrorFor(field) is { } message ? ErrorSummary.Labelled(message, field, CreateFields.Single(f => f.Field == field).Label) : null;

    /// <summary>The new-account form's fields: the use case's name, the input's id, the label.</summary>
    private static readonly (string Field, string InputId, string Label)[] CreateFields =
    [
        ("email", "new-email", "Email"),
        ("displayName", "new-name", "Display name"),
        ("roles", "new-role-" + StaffRoles.All[0], "Roles"),
    ];

    /// <summary>A secret just issued, to pass on to the staff member: shown on this answer only.</summary>
    public IssuedSecret? Issued { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    /// <summary>Invites a staff member: they are mailed a link to choose their own password (the admin never sets one).</summary>
    public async Task<IActionResult> OnPostCreateAsync()
    {
        var outcome = await admin.InviteAsync(new InviteStaff(Input.Email, Input.DisplayName, Input.Roles), Sessions.StaffAccess.UserId(User));
        if (outcome is Outcome<StaffView>.Ok { Value: var invited })
        {
            Notice = string.Format(CultureInfo.InvariantCulture, "Invitation sent to {0}. The link in it works once, until {1}.", invited.Email,
                invited.InvitationExpiresAt is { } until ? times.Show(until) : "");
            return Redirect("/admin/users");
        }

        Succeeded(outcome, out _);
        CreateRefused = true;
        await LoadAsync();
        return Page();
    }

    /// <summary>Mails a new invitation link; the earlier one stops working.</summary>
    public async Task<IActionResult> OnPostResendAsync(Guid id) =>
        await AfterAsync(await admin.ResendInvitationAsync(id), "A new invitation is sent; the earlier link no longer works.");

    public async Task<IActionResult> OnPostResetTwoFactorAsync(Guid id) => await IssuedAsync(
        await resets.ResetTwoFactorAsync(id, User), "The second factor of {0} is reset and its sign-ins have ended.");

    public async Task<IActionResult> OnPostResetPasswordAsync(Guid id) => await IssuedAsync(
        await resets.ResetPasswordAsync(id, User), "The password of {0} is reset and its sign-ins have ended.");

    public async Task<IActionResult> OnPostRolesAsync(Guid id, List<string> roles) =>
        await AfterAsync(await admin.SetRolesAsync(id, new SetRoles(roles)), "Roles saved.");

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id) =>
        await AfterAsync(await admin.DeactivateAsync(id, User), "Account deactivated: its sign-ins have ended.");

    public async Task<IActionResult> OnPostReactivateAsync(Guid id) =>
        await AfterAsync(await admin.ReactivateAsync(id), "Account reactivated.");

    /// <summary>Whether a row is the signed-in admin's own account (which they cannot deactivate).</summary>
    public bool IsMe(Guid id) => Sessions.StaffAccess.UserId(User) == id;

    /// <summary>The list with the secret the use case issued, shown on this answer only; or with the refusal.</summary>
    private async Task<IActionResult> IssuedAsync<T>(Outcome<T> outcome, string done)
        where T : StaffView
    {
        if (Succeeded(outcome, out var account))
        {
            Issued = account switch
            {
                EnrolmentCodeIssued code => new(code.Email, "two-factor enrolment code", code.TwoFactorEnrolmentCode, code.TwoFactorEnrolmentCodeExpiresAt),
                TemporaryPasswordSet password => new(password.Email, "temporary password", password.TemporaryPassword, password.TemporaryPasswordExpiresAt),
                _ => null,
            };
            Done = Issued is null ? null : string.Format(CultureInfo.InvariantCulture, done, Issued.Email);
        }

        await LoadAsync();
        return Page();
    }

    /// <summary>Post, redirect, get on success; the list with the refusal otherwise.</summary>
    private async Task<IActionResult> AfterAsync(Outcome<StaffView> outcome, string notice)
    {
        if (Succeeded(outcome, out _))
        {
            Notice = notice;
            return Redirect("/admin/users");
        }

        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Staff = await admin.ListAsync();

    /// <summary>A code or temporary password for <paramref name="Email"/>, valid until <paramref name="ExpiresAt"/>.</summary>
    public sealed record IssuedSecret(string Email, string What, string Secret, DateTimeOffset ExpiresAt);

    /// <summary>The new-account form.</summary>
    public sealed class NewStaff
    {
        public string? Email { get; set; }

        public string? DisplayName { get; set; }

        public List<string> Roles { get; set; } = [];
    }
}
