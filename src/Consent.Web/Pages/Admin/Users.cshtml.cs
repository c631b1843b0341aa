using Consent.Web.Api;
using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Admin;

/// <summary>
/// Staff accounts, their roles, two-factor and active status; create accounts, change roles,
/// deactivate and reactivate (the admin API's handlers).
/// </summary>
[Authorize(Policy = Policies.Admin)]
public sealed class UsersModel(StaffUserManager users, ConsentDbContext db, TimeProvider clock) : PageModel
{
    public IReadOnlyList<AdminApi.StaffView> Staff { get; private set; } = [];

    [BindProperty]
    public NewStaff Input { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public ApiOutcome? Outcome { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        Outcome = ApiOutcome.From(await AdminApi.CreateAsync(
            new AdminApi.CreateStaff(Input.Email, Input.DisplayName, Input.Password, Input.Roles), users, clock));
        if (Outcome.Succeeded)
        {
            Notice = $"Account {Input.Email?.Trim()} created.";
            return Redirect("/admin/users");
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRolesAsync(Guid id, List<string> roles) =>
        await AfterAsync(await AdminApi.SetRolesAsync(id, new AdminApi.SetRoles(roles), users, db, clock), "Roles saved.");

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id) =>
        await AfterAsync(await AdminApi.DeactivateAsync(id, User, users, db, clock), "Account deactivated: its sign-ins have ended.");

    public async Task<IActionResult> OnPostReactivateAsync(Guid id) =>
        await AfterAsync(await AdminApi.ReactivateAsync(id, users, clock), "Account reactivated.");

    /// <summary>Whether a row is the signed-in admin's own account (which they cannot deactivate).</summary>
    public bool IsMe(Guid id) => Sessions.StaffAccess.UserId(User) == id;

    /// <summary>Post, redirect, get on success; the list with the refusal otherwise.</summary>
    private async Task<IActionResult> AfterAsync(IResult result, string notice)
    {
        var outcome = ApiOutcome.From(result);
        if (outcome.Succeeded)
        {
            Notice = notice;
            return Redirect("/admin/users");
        }

        Outcome = outcome;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync() => Staff = (await AdminApi.ListAsync(users, clock)).Value ?? [];

    /// <summary>The new-account form.</summary>
    public sealed class NewStaff
    {
        public string? Email { get; set; }

        public string? DisplayName { get; set; }

        public string? Password { get; set; }

        public List<string> Roles { get; set; } = [];
    }
}
