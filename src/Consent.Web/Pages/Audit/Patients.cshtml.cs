using Consent.Web.Identity;
using Consent.Web.Ui;
using Consent.Web.UseCases.PatientRecords;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Consent.Web.Pages.Audit;

/// <summary>The clinic's patients for an auditor: the first by name, and a posted search by name or MRN; read-only.</summary>
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.PatientList, SystemEvents.ReadSubject.Many)]
[Authorize(Policy = Policies.Auditor)]
public sealed class PatientsModel(PatientRegistry patients) : PatientSearchPage(patients)
{
    public override string PatientsPath => "/audit/patients";

    public async Task OnGetAsync(CancellationToken ct) => await ListAsync(null, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await ListAsync(Search.Query, ct);
        return Page();
    }
}
