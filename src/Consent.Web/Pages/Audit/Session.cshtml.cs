using Consent.Web.Data;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Records;
using Consent.Web.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Consent.Web.Pages.Audit;

/// <summary>A session's event timeline with the result of verifying its hash chain, and its downloads.</summary>
[Authorize(Policy = Policies.Auditor)]
public sealed class SessionModel(ConsentDbContext db, EventSeals seals) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public ConsentSession Session { get; private set; } = null!;

    public IReadOnlyList<ConsentEvent> Events { get; private set; } = [];

    public ChainVerification Chain { get; private set; } = null!;

    public IReadOnlyList<StoredRecord> Records { get; private set; } = [];

    /// <summary>Staff names by id, to show who did what.</summary>
    public IReadOnlyDictionary<string, string> StaffNames { get; private set; } = new Dictionary<string, string>();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // One snapshot for the session row, its events and records: an event appended between two
        // separate reads (a record being issued) would otherwise look like a broken chain.
        await using var snapshot = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var session = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Id, ct);
        if (session is null || !StaffAccess.CanRead(User, session))
        {
            return NotFound();
        }

        Session = session;
        Events = await db.Events.AsNoTracking().Where(e => e.SessionId == Id).OrderBy(e => e.Seq).ToListAsync(ct);
        Chain = await SignedChainHeads.VerifyAsync(db, session, Events, seals, ct);
        Records = await db.Records.AsNoTracking().Where(r => r.SessionId == Id).OrderBy(r => r.IssuedAt)
            .Select(r => new StoredRecord { Id = r.Id, Kind = r.Kind, Sha256 = r.Sha256, IssuedAt = r.IssuedAt }).ToListAsync(ct);
        await snapshot.CommitAsync(ct);
        var staffIds = Events.Select(e => e.Actor).Where(a => Guid.TryParse(a, out _)).Select(Guid.Parse).Distinct().ToList();
        StaffNames = await db.Users.AsNoTracking().Where(u => staffIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id.ToString(), u => u.DisplayName, ct);
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
