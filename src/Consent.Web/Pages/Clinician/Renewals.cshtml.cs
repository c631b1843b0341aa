using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.Ui;
using Consent.Web.UseCases;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Clinician;

/// <summary>
/// "Consents to renew": every patient of the clinic whose consent is expiring or due for re-consent, as the renewal
/// job raised them (<see cref="ConsentRenewals"/>), and re-consent for those chosen, all at once.
/// </summary>
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.RenewalsPage, SystemEvents.ReadSubject.Many)]
[Authorize(Policy = Policies.Clinician)]
public sealed class RenewalsModel(ConsentRenewals renewals) : StaffPageModel
{
    /// <summary>Renewals the page lists at most; the rest come once these are done.</summary>
    public const int MostShown = 200;

    [BindProperty]
    public List<Guid> RenewalIds { get; set; } = [];

    public RenewalList List { get; private set; } = new(0, []);

    /// <summary>What the last bulk re-consent did, row by row; the links show here once.</summary>
    public IReadOnlyList<BulkReconsentResult> Results { get; private set; } = [];

    public Guid? Me => StaffAccess.UserId(User);

    public async Task OnGetAsync(CancellationToken ct) => List = await renewals.ListAsync(null, MostShown, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Succeeded(await renewals.StartManyAsync(new BulkReconsentInput(RenewalIds), Caller.From(HttpContext), ct), out var results))
        {
            Results = results;
            Response.Headers.CacheControl = "no-store";
        }
        else
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        List = await renewals.ListAsync(null, MostShown, ct);
        return Page();
    }
}
