using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Account;

/// <summary>The training attestation: read it (English or Spanish) and sign it with the password, once, before any role works.</summary>
[Authorize(Policy = Policies.Staff)]
public sealed class TrainingModel(TrainingAttestations training) : StaffPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Language { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [TempData]
    public string? Notice { get; set; }

    public TrainingView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Challenge();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!Succeeded(await training.AttestAsync(User, Password, Code, Language), out _))
        {
            return await LoadAsync() ? Page() : Challenge();
        }

        Notice = "Thank you: your attestation is signed. Your roles now work.";
        return Redirect("/");
    }

    private async Task<bool> LoadAsync()
    {
        if (await training.ViewAsync(User, Language) is not Outcome<TrainingView>.Ok { Value: var view })
        {
            return false;
        }

        View = view;
        return true;
    }
}
