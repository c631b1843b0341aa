using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Web.UseCases;
using Consent.Web.UseCases.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Consent.Web.Pages.Audit;

/// <summary>A session's event timeline with the result of verifying its hash chain, and its downloads.</summary>
[Authorize(Policy = Policies.Auditor)]
[SystemEvents.PatientDataRead(SystemEvents.SystemEventTypes.Reads.SessionPage, SystemEvents.ReadSubject.Session)]
public sealed class SessionModel(AuditTrail audit, SystemEvents.SystemEventReads dataReads) : PageModel
{
    /// <summary>Who has read this data (the system audit trail), for the "who has seen this" panel.</summary>
    public SystemEvents.PatientDataReadsPanel Reads { get; private set; } = new(0, []);

    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ConsentSession Session { get; private set; } = null!;

    public IReadOnlyList<ConsentEvent> Events { get; private set; } = [];

    public ChainVerification Chain { get; private set; } = null!;

    public IReadOnlyList<IssuedRecord> Records { get; private set; } = [];

    /// <summary>Staff names by id, to show who did what.</summary>
    public IReadOnlyDictionary<string, string> StaffNames { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await audit.TimelineAsync(Id, User, ct) is not Outcome<SessionTimeline>.Ok { Value: var timeline })
        {
            return NotFound();
        }

        (Session, Events, Chain) = (timeline.Chain.Session, timeline.Chain.Events, timeline.Chain.Check);
        (Records, StaffNames) = (timeline.Records, timeline.StaffNames);
        Reads = await dataReads.ReadsOfSessionAsync(Id, ct);
        return Page();
    }

    public string ActorName(string actor) =>
        StaffNames.TryGetValue(actor, out var name) ? name : actor switch
        {
            Actor.Patient => "Patient",
            Actor.System => "System",
            _ => actor,
        };
}
