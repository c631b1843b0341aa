using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Admin;

/// <summary>
/// Staff accounts, their roles, two-factor and active status; create accounts, change roles,
/// deactivate and reactivate (the same use cases as the admin API).
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class UsersModel(StaffAdministration admin) : StaffPageModel
{
    public IReadOnlyList<StaffView> Staff { get; private set; } = [];

    [BindProperty]
    public NewStaff Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (Succeeded(await admin.CreateAsync(new CreateStaff(Input.Email, Input.DisplayName, Input.Password, Input.Roles)), out _))
        {
            Notice = $"Account {Input.Email?.Trim()} created.";
            return Redirect("/admin/users");
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRolesAsync(Guid id, List<string> roles) =>
        await AfterAsync(await admin.SetRolesAsync(id, new SetRoles(roles)), "Roles saved.");

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id) =>
        await AfterAsync(await admin.DeactivateAsync(id, User), "Account deactivated: its sign-ins have ended.");

    public async Task<IActionResult> OnPostReactivateAsync(Guid id) =>
        await AfterAsync(await admin.ReactivateAsync(id), "Account reactivated.");

    /// <summary>Whether a row is the signed-in admin's own account (which they cannot deactivate).</summary>
    public bool IsMe(Guid id) => Sessions.StaffAccess.UserId(User) == id;

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

    /// <summary>The new-account form.</summary>
    public sealed class NewStaff
    {
        public string? Email { get; set; }

        public string? DisplayName { get; set; }

        public string? Password { get; set; }

        public List<string> Roles { get; set; } = [];
    }
}
