using Consent.Web.Api;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Admin;

/// <summary>Staff accounts, their roles and two-factor status; create accounts and change roles (the admin API's handlers).</summary>
[Authorize(Policy = Policies.Admin)]
public sealed class UsersModel(UserManager<StaffUser> users, TimeProvider clock) : PageModel
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

    public async Task<IActionResult> OnPostRolesAsync(Guid id, List<string> roles)
    {
        var outcome = ApiOutcome.From(await AdminApi.SetRolesAsync(id, new AdminApi.SetRoles(roles), users, clock));
        if (outcome.Succeeded)
        {
            Notice = "Roles saved.";
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
