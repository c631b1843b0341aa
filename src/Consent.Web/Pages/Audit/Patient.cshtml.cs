using Consent.Web.Identity;
using Consent.Web.Ui;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Audit;

/// <summary>One patient for an auditor, read-only: details, consent status per workflow and the timeline, each session linked to its audit trail.</summary>
[Authorize(Policy = Policies.Auditor)]
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.PatientPage, SystemEvents.ReadSubject.Patient)]
public sealed class PatientModel(PatientRecordPage pages, SystemEvents.SystemEventReads dataReads) : PageModel
{
    /// <summary>Who has read this data (the system audit trail), for the "who has seen this" panel.</summary>
    public SystemEvents.PatientDataReadsPanel Reads { get; private set; } = new(0, []);

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public PatientRecord Record { get; private set; } = null!;

    /// <summary>A form this page does not have (a handler it lacks) is a 405, not the page drawn without its data.</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.HandlerMethod is null)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
            return;
        }

        await next();
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await pages.LoadAsync(Id, User, ct) is not { } record)
        {
            return NotFound();
        }

        Record = record;
        Reads = await dataReads.ReadsOfPatientAsync(Id, ct);
        return Page();
    }
}
